-- Deliverable rows no longer check that their initiative's row exists, and key result rows
-- no longer check for their objective's row. Each pair comes from one aggregate (an
-- Initiative, an Objective), whose events the log keeps in order, so the parent's row
-- always comes first. And the checks were not free. PostgreSQL runs a foreign-key check
-- on every update of a row that the same transaction inserted or updated, and a batch
-- updates the same rows over and over.
ALTER TABLE deliverables DROP CONSTRAINT deliverables_initiative_id_fkey;
ALTER TABLE key_results DROP CONSTRAINT key_results_objective_id_fkey;
