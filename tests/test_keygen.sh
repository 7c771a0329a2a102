#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# semsteg-keygen: a new key file has mode 0600, a second run never overwrites it, the key
# itself is never printed, and --fingerprint agrees. Usage: test_keygen.sh PATH/TO/semsteg-keygen
set -u
keygen=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }

key="$tmp/alice.key"
out=$("$keygen" "$key" 2>&1)
rc=$?
[[ $rc -eq 0 ]] && ok "create (rc 0)" || fail "create: rc $rc: $out"
[[ $(stat -c %a "$key") == 600 ]] && ok "mode 0600" || fail "mode is $(stat -c %a "$key")"
line=$(cat "$key")
[[ $line =~ ^semsteg-key-v1\ [0-9a-f]{64}$ ]] && ok "format" || fail "format"
hex=${line#semsteg-key-v1 }
[[ $out != *"$hex"* && $out != *"${hex:0:16}"* ]] && ok "key not printed" || fail "key printed"
fp=$(echo "$out" | sed -n 's/^fingerprint: \([0-9a-f]\{16\}\)$/\1/p')
[[ -n $fp ]] && ok "fingerprint printed ($fp)" || fail "no fingerprint in: $out"

# A second run on the same path: exit 1, a clear message, the file unchanged.
before=$(sha256sum "$key")
out2=$("$keygen" "$key" 2>&1)
rc=$?
[[ $rc -eq 1 ]] && ok "second run exits 1" || fail "second run: rc $rc: $out2"
[[ $out2 == *"already exists"* ]] && ok "second run says why" || fail "message: $out2"
[[ $(sha256sum "$key") == "$before" ]] && ok "file unchanged" || fail "file was overwritten"
[[ $out2 != *"$hex"* ]] || fail "second run printed the key"

# --fingerprint prints the same fingerprint, and nothing of the key.
out3=$("$keygen" --fingerprint "$key" 2>&1)
rc=$?
[[ $rc -eq 0 && $out3 == "fingerprint: $fp" ]] && ok "--fingerprint agrees" \
  || fail "--fingerprint: rc $rc: $out3"
[[ $out3 != *"$hex"* ]] || fail "--fingerprint printed the key"

# A second key has another fingerprint.
out4=$("$keygen" "$tmp/bob.key" 2>&1) || fail "second key: $out4"
[[ $out4 != *"fingerprint: $fp"* ]] && ok "second key differs" || fail "same fingerprint twice"

# Readable by others: a warning, not a failure.
chmod 644 "$key"
out5=$("$keygen" --fingerprint "$key" 2>&1)
rc=$?
[[ $rc -eq 0 && $out5 == *"chmod 600"* && $out5 == *"fingerprint: $fp"* ]] \
  && ok "world-readable warns" || fail "world-readable: rc $rc: $out5"

# Bad input: exit 1 with a message, no crash.
out6=$("$keygen" --fingerprint "$tmp/none.key" 2>&1)
rc=$?
[[ $rc -eq 1 && $out6 == *"error:"*"none.key"* ]] && ok "missing file" || fail "missing: rc $rc: $out6"
echo "not a key" >"$tmp/junk.key"
out7=$("$keygen" --fingerprint "$tmp/junk.key" 2>&1)
rc=$?
[[ $rc -eq 1 && $out7 == *"does not start with"* ]] && ok "junk file" || fail "junk: rc $rc: $out7"
out8=$("$keygen" 2>&1)
rc=$?
[[ $rc -ne 0 && $rc -lt 128 ]] && ok "no arguments (rc $rc)" || fail "no arguments: rc $rc: $out8"
"$keygen" --help >/dev/null 2>&1 && ok "--help" || fail "--help"

echo "$failures failures"
[[ $failures -eq 0 ]]
