-- The compose file's PostgreSQL creates the owner (POSTGRES_USER) and its database; this
-- adds the runtime role roadlog serves as, which owns nothing that protects history.
-- roadlog grants it its rights at every start (see the README, "Database roles").
CREATE ROLE roadlog_app LOGIN PASSWORD 'roadlog';
GRANT roadlog_app TO roadlog_owner;
