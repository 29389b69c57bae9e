-- Recommendations the generator writes (recommendations/generator.ts) name the rule that made them. At most one
-- per site, asset (none: the whole site) and rule: a run updates the open one with fresh figures instead of
-- adding another, and leaves alone the one a user accepted, rejected or implemented. Rows written by users
-- and by the seed have no rule and are not constrained.
ALTER TABLE recommendations ADD COLUMN rule text CHECK (rule IS NULL OR length(rule) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX recommendations_rule ON recommendations
  (site_id, coalesce(asset_id, '00000000-0000-0000-0000-000000000000'::uuid), rule) WHERE rule IS NOT NULL;
