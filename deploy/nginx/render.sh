#!/bin/sh
# Write Accord's nginx site to standard output: deploy/nginx/accord.conf with its ${ACCORD_...}
# values filled in from the environment (nginx's own $variables are left alone).
#   ACCORD_DOMAIN=accord.example.com ... deploy/nginx/render.sh > /etc/nginx/sites-available/accord
set -eu
: "${ACCORD_DOMAIN:?the site host name, e.g. accord.example.com}"
: "${ACCORD_TLS_CERTIFICATE:?the certificate chain file}"
: "${ACCORD_TLS_KEY:?the private key file}"
export ACCORD_ORIGIN="${ACCORD_ORIGIN:-https://$ACCORD_DOMAIN}"
export ACCORD_HTTP_LISTEN="${ACCORD_HTTP_LISTEN:-80}"
export ACCORD_HTTPS_LISTEN="${ACCORD_HTTPS_LISTEN:-443}"
export ACCORD_UPSTREAM="${ACCORD_UPSTREAM:-127.0.0.1:8000}"
export ACCORD_STATIC_ROOT="${ACCORD_STATIC_ROOT:-/var/lib/accord/static}"
exec envsubst '${ACCORD_DOMAIN} ${ACCORD_ORIGIN} ${ACCORD_HTTP_LISTEN} ${ACCORD_HTTPS_LISTEN} ${ACCORD_UPSTREAM} ${ACCORD_STATIC_ROOT} ${ACCORD_TLS_CERTIFICATE} ${ACCORD_TLS_KEY}' \
  < "$(dirname "$0")/accord.conf"
