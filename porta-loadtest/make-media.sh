#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Makes the recorded media the synthetic participants replay, with Debian's ffmpeg (libvpx, libopus).
# Synthetic sources only (test pattern, tones and noise), so the files carry no third-party content.
# Run from porta-loadtest/: ./make-media.sh   (needs: apt-get install ffmpeg)
set -euo pipefail
out=src/main/resources/dev/porta/loadtest/media
mkdir -p "$out"
seconds=6
# Opus, 48 kHz mono, 20 ms frames, ~32 kbit/s: a tone that changes pitch plus a little pink noise.
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "sine=frequency=220:sample_rate=48000:duration=$seconds" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:sample_rate=48000:duration=$seconds" \
  -filter_complex "[0][1]amix=inputs=2,volume=2" -ac 1 \
  -c:a libopus -b:a 32k -frame_duration 20 -application voip "$out/audio.opus.ogg"
# VP8 simulcast: three independent encodings of one moving test pattern (180p, 360p, 720p), 30 fps,
# a keyframe every 3 s (at 0 s and 3 s, so a loop always restarts on a keyframe), real-time settings
# and no alt-ref frames, as a browser's encoder would send them.
i=0
for spec in 320x180:150k 640x360:450k 1280x720:1200k; do
  size=${spec%%:*}; rate=${spec##*:}
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=$size:rate=30:duration=$seconds" \
    -c:v libvpx -b:v "$rate" -minrate "$rate" -maxrate "$rate" -g 90 -keyint_min 90 \
    -deadline realtime -cpu-used 8 -auto-alt-ref 0 -lag-in-frames 0 -error-resilient 1 \
    -f ivf "$out/video-$i.ivf"
  i=$((i + 1))
done
ls -l "$out"
