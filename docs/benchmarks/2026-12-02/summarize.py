#!/usr/bin/env python3
"""Medians per transport over the runs beside this script (<n>-<transport>/report.json), as a Markdown table."""
import json, pathlib, re, statistics

here = pathlib.Path(__file__).parent
runs = {}
for d in sorted(here.glob('*-*/report.json')):
    transport = d.parent.name.split('-', 1)[1]
    r = json.loads(d.read_text())['runs'][0]
    txt = (d.parent / 'run.txt').read_text()
    before = float(re.search(r'load average before: (\S+)', txt).group(1))
    r['loadBefore'] = before
    runs.setdefault(transport, []).append(r)

def fmt(v):
    return '–' if v != v else (f'{v:,.0f}' if abs(v) >= 100 else f'{v:.2f}')


def med(rs, key):
    v = [x[key] for x in rs if isinstance(x.get(key), (int, float)) and x[key] == x[key]]
    return statistics.median(v) if v else float('nan')

cols = [('runs', None), ('joined', 'joined'), ('node CPU µs / forwarded packet', 'cpuMicrosPerForwardedPacket'),
        ('node CPU % of a core', 'nodeCpuPercent'), ('received pkt/s', 'forwardedPacketsPerSecond'),
        ('loss %', 'lossPercent'), ('delay p50 ms', 'delayP50Ms'), ('join → media p50 ms', None),
        ('coturn CPU % of a core', 'relayCpuPercent'), ('coturn CPU µs / forwarded packet', 'relayCpuMicrosPerForwardedPacket'),
        ('generator CPU %', 'generatorCpuPercent'), ('load average (1 min) before', 'loadBefore')]
print('| transport | ' + ' | '.join(c for c, _ in cols) + ' |')
print('|---' * (len(cols) + 1) + '|')
for t in ['udp', 'tcp', 'relay']:
    rs = runs.get(t, [])
    cells = []
    for name, key in cols:
        if name == 'runs':
            cells.append(str(len(rs)))
        elif name == 'join → media p50 ms':
            cells.append(fmt(statistics.median([x['joinToFirstMediaMs']['p50'] for x in rs])) if rs else '–')
        elif name == 'joined':
            cells.append('/'.join(f"{x['joined']}" for x in rs) + ' of ' + (str(rs[0]['participants']) if rs else '?'))
        else:
            cells.append(fmt(med(rs, key)))
    print(f'| {t} | ' + ' | '.join(cells) + ' |')
