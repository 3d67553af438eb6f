-- Hand-written: AuditLog and AssetEvent are append-only. The database itself refuses edits.
CREATE TRIGGER "AuditLog_no_update" BEFORE UPDATE ON "AuditLog" BEGIN SELECT RAISE(ABORT, 'AuditLog is append-only'); END;
CREATE TRIGGER "AuditLog_no_delete" BEFORE DELETE ON "AuditLog" BEGIN SELECT RAISE(ABORT, 'AuditLog is append-only'); END;
CREATE TRIGGER "AssetEvent_no_update" BEFORE UPDATE ON "AssetEvent" BEGIN SELECT RAISE(ABORT, 'AssetEvent is append-only'); END;
CREATE TRIGGER "AssetEvent_no_delete" BEFORE DELETE ON "AssetEvent" BEGIN SELECT RAISE(ABORT, 'AssetEvent is append-only'); END;
