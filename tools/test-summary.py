#!/usr/bin/env python3
"""Prints one closing line for all Surefire/Failsafe reports of the build: 'N passed, N failed, N skipped'."""
import glob
import sys
import xml.etree.ElementTree as ET

total = failed = skipped = 0
for path in glob.glob("*/target/surefire-reports/TEST-*.xml") + glob.glob("*/target/failsafe-reports/TEST-*.xml"):
    try:
        suite = ET.parse(path).getroot()
    except ET.ParseError:
        continue
    total += int(suite.get("tests", 0))
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))
passed = total - failed - skipped
print(f"Porta: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
