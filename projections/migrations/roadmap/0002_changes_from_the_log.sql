-- Which roadmaps a range of the log changed is now read from the log itself (the events'
-- originators and the initiatives' roadmaps), not kept per roadmap: bumping one row for
-- every event made each projector batch rewrite the same rows over and over.
DROP INDEX roadmaps_by_change;
ALTER TABLE roadmaps DROP COLUMN last_position;
