#!/usr/bin/env bash
# Dovecot (the real IMAP server the integration tests start), Postfix with Dovecot's LMTP server (the real SMTP
# server: SASL through Dovecot, delivery into it), PostgreSQL 15 (the second database engine; the tests run their own
# server from a temp folder, never the system service) and Chromium (for browser journeys),
# from Debian's packages, only when missing. RUNLEVEL=1 keeps the system Dovecot and Postfix services from starting.
set -euo pipefail
missing=()
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
[ -x /usr/sbin/postfix ] || missing+=(postfix)
[ -x /usr/lib/dovecot/lmtp ] || missing+=(dovecot-lmtpd)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-liberation >/dev/null
fi
