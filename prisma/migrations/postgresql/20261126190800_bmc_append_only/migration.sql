-- Hand-written: BmcObservation is append-only. The database itself refuses edits.
-- ironledger_append_only() was created by 20261126190500_append_only_guards.
CREATE TRIGGER "BmcObservation_append_only" BEFORE UPDATE OR DELETE ON "BmcObservation" FOR EACH ROW EXECUTE FUNCTION ironledger_append_only();
