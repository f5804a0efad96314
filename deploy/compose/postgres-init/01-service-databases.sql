-- One database per service, owned by that service's own role, so that no service can read another's
-- tables. Development passwords only: docker-compose.yml is for one machine, never for production.
CREATE ROLE referral LOGIN PASSWORD 'dev-referral';
CREATE DATABASE referral OWNER referral;
REVOKE ALL ON DATABASE referral FROM PUBLIC;

CREATE ROLE pathway LOGIN PASSWORD 'dev-pathway';
CREATE DATABASE pathway OWNER pathway;
REVOKE ALL ON DATABASE pathway FROM PUBLIC;

CREATE ROLE notification LOGIN PASSWORD 'dev-notification';
CREATE DATABASE notification OWNER notification;
REVOKE ALL ON DATABASE notification FROM PUBLIC;
