-- A deliverable's row no longer checks that its initiative's row exists. Both come from
-- the same Initiative aggregate, whose events the log keeps in order, so the initiative's
-- row always comes first. And the check was not free. PostgreSQL runs a foreign-key check
-- on every update of a row that the same transaction inserted or updated, and a batch
-- updates the same deliverables over and over. That was about 5% of the server's time in
-- a rebuild.
ALTER TABLE deliverables DROP CONSTRAINT deliverables_initiative_id_fkey;
