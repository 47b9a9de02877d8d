#!/bin/sh
# soak_short.sh - the short soak of make check: 50 kills of the relay and
#	the final MTA under load (2,000 messages, three recipients each),
#	every confirmed message delivered exactly once per recipient.
#	make soak runs the full one (tests/soak/soak.sh, docs/store.md).
: "${SOAK_KILLS:=50}" "${SOAK_MESSAGES:=2000}" "${SOAK_DRAIN:=120}"
export SOAK_KILLS SOAK_MESSAGES SOAK_DRAIN
exec sh tests/soak/soak.sh
