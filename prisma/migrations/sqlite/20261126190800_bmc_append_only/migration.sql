-- Hand-written: BmcObservation is append-only. The database itself refuses edits.
CREATE TRIGGER "BmcObservation_no_update" BEFORE UPDATE ON "BmcObservation" BEGIN SELECT RAISE(ABORT, 'BmcObservation is append-only'); END;
CREATE TRIGGER "BmcObservation_no_delete" BEFORE DELETE ON "BmcObservation" BEGIN SELECT RAISE(ABORT, 'BmcObservation is append-only'); END;
