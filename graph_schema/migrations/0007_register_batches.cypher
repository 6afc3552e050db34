// The query register records each batch it writes once (procedures/audit.py): a batch
// sent again after a lost commit answer finds its AuditBatch and writes nothing. Events
// are no longer unique-indexed one by one (their ids are random UUIDs), which was a
// large part of Neo4j's work per event.
CREATE CONSTRAINT audit_batch_id IF NOT EXISTS FOR (n:AuditBatch) REQUIRE n.id IS UNIQUE;
DROP CONSTRAINT audit_event_id IF EXISTS;
