// Consents (管理办法 第二十一条) and the query register (个人诚信 opinion 四(一)).
CREATE CONSTRAINT consent_id IF NOT EXISTS FOR (n:Consent) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT audit_event_id IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.id IS UNIQUE;
// The register is read newest first, by caller, department or subject.
CREATE INDEX audit_event_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at);
CREATE INDEX audit_event_sub IF NOT EXISTS FOR (n:AuditEvent) ON (n.sub, n.at);
CREATE INDEX audit_event_dept IF NOT EXISTS FOR (n:AuditEvent) ON (n.dept, n.at);
CREATE INDEX audit_event_subject IF NOT EXISTS FOR (n:AuditEvent) ON (n.subjectId, n.at);
