-- An alert rule names its entity by kind and id (`entity_kind`, `entity_id`): the column points to plants,
-- vens or meters, so no foreign key can guard it. Before, deleting a plant, VEN or meter (or a site, whose
-- meters go with it) left its rules behind: listed by the API and the /alert-rules page for an entity that
-- no longer exists, and loaded by the catalogs. These triggers delete an entity's rules with it, whatever
-- deletes it: the API, a cascade from a parent (a site's or a portfolio's meters), or SQL. Rules for every
-- entity of a kind (`entity_id` NULL) stay. The API locks a rule's entity (FOR KEY SHARE) in the
-- transaction that writes the rule (api/alert_rules.ts), so a delete waits for that write and then deletes
-- the new rule too.

-- Rules left behind by deletes before this migration.
DELETE FROM alert_rules r
WHERE r.entity_id IS NOT NULL AND NOT CASE r.entity_kind
  WHEN 'plant' THEN EXISTS (SELECT 1 FROM plants WHERE id = r.entity_id)
  WHEN 'ven' THEN EXISTS (SELECT 1 FROM vens WHERE id = r.entity_id)
  WHEN 'meter' THEN EXISTS (SELECT 1 FROM meters WHERE id = r.entity_id)
END;

-- One statement per deleting statement (a cascade runs one per parent row): the deleted rows arrive as
-- the transition table `deleted_entities`, the rule kind as the trigger's argument.
CREATE FUNCTION delete_alert_rules_of_deleted_entities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM alert_rules r USING deleted_entities d
  WHERE r.entity_kind = TG_ARGV[0] AND r.entity_id = d.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER plants_delete_alert_rules AFTER DELETE ON plants
  REFERENCING OLD TABLE AS deleted_entities FOR EACH STATEMENT
  EXECUTE FUNCTION delete_alert_rules_of_deleted_entities('plant');
CREATE TRIGGER vens_delete_alert_rules AFTER DELETE ON vens
  REFERENCING OLD TABLE AS deleted_entities FOR EACH STATEMENT
  EXECUTE FUNCTION delete_alert_rules_of_deleted_entities('ven');
CREATE TRIGGER meters_delete_alert_rules AFTER DELETE ON meters
  REFERENCING OLD TABLE AS deleted_entities FOR EACH STATEMENT
  EXECUTE FUNCTION delete_alert_rules_of_deleted_entities('meter');
