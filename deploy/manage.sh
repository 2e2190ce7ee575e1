#!/bin/sh
# Run `manage.py` the way the services run the app: with the environment file, the
# virtualenv and the app folder of deploy/README.md. Run it as the service user:
#   sudo -u accord /opt/accord/app/deploy/manage.sh migrate --noinput
# ACCORD_ENV_FILE, ACCORD_APP_DIR and ACCORD_VENV point elsewhere (the tests use them).
set -eu
env_file=${ACCORD_ENV_FILE:-/etc/accord/accord.env}
app_dir=${ACCORD_APP_DIR:-/opt/accord/app}
venv=${ACCORD_VENV:-/opt/accord/venv}

# KEY=value lines, as systemd's EnvironmentFile= reads them: comments and blank lines
# skipped, one pair of surrounding double quotes removed, nothing expanded.
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in '' | '#'*) continue ;; esac
  key=${line%%=*}
  value=${line#*=}
  value=${value#\"}
  value=${value%\"}
  export "$key=$value"
done < "$env_file"

cd "$app_dir"
exec "$venv/bin/python" manage.py "$@"
