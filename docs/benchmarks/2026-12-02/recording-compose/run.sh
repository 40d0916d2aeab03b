#!/usr/bin/env bash
# Composing cost of a 60 s, 4-person recording with FfmpegComposer's fixed arguments (grid of four
# 640x360 tiles, H.264 veryfast CRF 28 at 15 fps, four Opus tracks mixed to AAC 96k).
# Inputs: the load tester's 360p VP8 and Opus media, looped 10 times (stream copy), per participant.
# Usage: docs/benchmarks/2026-12-02/recording-compose/run.sh <out-dir>   (needs ffmpeg)
set -euo pipefail
M=porta-loadtest/src/main/resources/dev/porta/loadtest/media
T=${1:-$(mktemp -d)}
for i in 0 1 2 3; do
  ffmpeg -v error -y -stream_loop 9 -i $M/video-1.ivf -c copy -f ivf "$T/v$i.ivf"
  ffmpeg -v error -y -stream_loop 9 -i $M/audio.opus.ogg -c copy "$T/a$i.ogg"
done
tile='fps=15,scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1'
uptime
/usr/bin/time -v ffmpeg -hide_banner -nostdin -loglevel error -y \
  -itsoffset 0.000 -i "$T/a0.ogg" -itsoffset 0.000 -i "$T/a1.ogg" -itsoffset 0.000 -i "$T/a2.ogg" -itsoffset 0.000 -i "$T/a3.ogg" \
  -itsoffset 0.000 -i "$T/v0.ivf" -itsoffset 0.000 -i "$T/v1.ivf" -itsoffset 0.000 -i "$T/v2.ivf" -itsoffset 0.000 -i "$T/v3.ivf" \
  -filter_complex "[0:a][1:a][2:a][3:a]amix=inputs=4:duration=longest:normalize=0[a];[4:v]$tile[v0];[5:v]$tile[v1];[6:v]$tile[v2];[7:v]$tile[v3];[v0][v1][v2][v3]xstack=inputs=4:fill=black:layout=0_0|640_0|0_360|640_360[v]" \
  -map '[v]' -c:v libx264 -preset veryfast -crf 28 -pix_fmt yuv420p -map '[a]' -c:a aac -b:a 96k -movflags +faststart "$T/recording.mp4"
uptime
du -b "$T"/*.ivf "$T"/*.ogg "$T/recording.mp4"
ffprobe -v error -show_entries stream=codec_name,width,height:format=duration -of default=nw=1 "$T/recording.mp4"
