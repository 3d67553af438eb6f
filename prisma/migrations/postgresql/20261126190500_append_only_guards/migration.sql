-- Hand-written: AuditLog and AssetEvent are append-only. The database itself refuses edits.
CREATE FUNCTION ironledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER "AuditLog_append_only" BEFORE UPDATE OR DELETE ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION ironledger_append_only();
CREATE TRIGGER "AssetEvent_append_only" BEFORE UPDATE OR DELETE ON "AssetEvent" FOR EACH ROW EXECUTE FUNCTION ironledger_append_only();
