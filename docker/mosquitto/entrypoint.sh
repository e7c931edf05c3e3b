#!/bin/sh
# Writes the password file from the environment (never from a file in the repository),
# then runs mosquitto. Workers share WORKER_PASSWORD under their own usernames.
set -eu
: "${PLANNER_PASSWORD:?set PLANNER_PASSWORD (see docker/.env.example)}"
: "${JUDGER_PASSWORD:?set JUDGER_PASSWORD}"
: "${WORKER_PASSWORD:?set WORKER_PASSWORD}"
: "${WATCH_PASSWORD:?set WATCH_PASSWORD}"
f=/mosquitto/data/passwd
rm -f "$f" && touch "$f" && chmod 600 "$f"
mosquitto_passwd -b "$f" planner "$PLANNER_PASSWORD"
mosquitto_passwd -b "$f" judger "$JUDGER_PASSWORD"
mosquitto_passwd -b "$f" watch "$WATCH_PASSWORD"
mosquitto_passwd -b "$f" worker "$WORKER_PASSWORD"
for i in 1 2 3 4 5 6 7 8; do mosquitto_passwd -b "$f" "agent$i" "$WORKER_PASSWORD"; done
chown mosquitto:mosquitto "$f" 2>/dev/null || true
exec mosquitto -c /mosquitto/config/mosquitto.conf
