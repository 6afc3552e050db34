// Lookups used by loaders and rules.
CREATE INDEX list_entry_status IF NOT EXISTS FOR (n:ListEntry) ON (n.status);
CREATE INDEX list_entry_kind_severity IF NOT EXISTS FOR (n:ListEntry) ON (n.kind, n.severity);
CREATE INDEX department_name IF NOT EXISTS FOR (n:Department) ON (n.name);
CREATE INDEX role_kind IF NOT EXISTS FOR ()-[r:HOLDS_ROLE]-() ON (r.kind);
CREATE INDEX version_of IF NOT EXISTS FOR (n:Version) ON (n.versionOf);
// Name search: CJK bigrams find 江阴市华宏化纤有限公司 for 华宏.
CREATE FULLTEXT INDEX subject_name IF NOT EXISTS FOR (n:Organization|Person) ON EACH [n.name]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk', `fulltext.eventually_consistent`: false}};
