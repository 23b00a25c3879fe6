#!/bin/sh
# Entrypoint of the CI-only MariaDB stand-in (Debian's mariadb-server), after the official
# mariadb image's:
# - on an EMPTY /var/lib/mysql: the root password from MARIADB_ROOT_PASSWORD, else
#   MYSQL_ROOT_PASSWORD; neither set: one error line, exit 1. mariadb-install-db, then a
#   temporary server on the socket only (--skip-networking) sets the password of
#   root@localhost, creates root@'%' with it, drops the other root accounts of the install,
#   and stops; then the real server starts.
# - a data directory that holds a database already: started as it is (no password needed).
# - mariadbd runs in the foreground as PID 1 (exec), as the user mysql, on 0.0.0.0:3306
#   (docker.cnf); it stops cleanly on SIGTERM. Other commands (`docker run IMAGE bash`) run as
#   they are.
set -eu
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
log() { echo "$(date '+%Y-%m-%d %H:%M:%S') [$1] [Entrypoint]: $2" >&2; }

case ${1:-mariadbd} in
  -*) set -- mariadbd "$@" ;;
  mariadbd|mysqld) ;;
  *) exec "$@" ;;
esac
shift || true

mkdir -p "$DATADIR" /run/mysqld
chown mysql:mysql "$DATADIR" /run/mysqld

if [ ! -d "$DATADIR/mysql" ]; then
  password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
  if [ -z "$password" ]; then
    log ERROR "Database is uninitialized and password option is not specified: set MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD)"
    exit 1
  fi
  log Note "Initializing database files"
  mariadb-install-db --user=mysql --datadir="$DATADIR" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve >/dev/null
  log Note "Starting temporary server"
  mariadbd --user=mysql --datadir="$DATADIR" --skip-networking --socket="$SOCKET" &
  pid=$!
  i=0
  until mariadb --protocol=socket --socket="$SOCKET" -uroot -e 'SELECT 1' >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
      log ERROR "Unable to start server."
      exit 1
    fi
    sleep 0.1
  done
  # the password as an SQL string literal: \ and ' escaped
  escaped=$(printf '%s' "$password" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")
  # as the official image: root only at localhost (the password set) and at '%' (created with
  # it); the passwordless root@127.0.0.1, root@::1 and root@HOSTNAME of the install dropped
  mariadb --protocol=socket --socket="$SOCKET" -uroot <<SQL
DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1';
EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@''', @@hostname, '''');
SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$escaped');
CREATE USER 'root'@'%' IDENTIFIED BY '$escaped';
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
SQL
  kill "$pid"
  wait "$pid" || true   # returns when the server has exited: the data directory is free
  log Note "MariaDB init process done. Ready for start up."
fi

log Note "Starting mariadbd $*"
exec mariadbd --user=mysql "$@"
