// Events written before the register named subjects and consents by indexed id kept links
// as well: (:AuditEvent)-[:ABOUT]->(:Subject) and -[:UNDER]->(:Consent). The same events
// hold `subjectId` and `consentIds`, which is what the register reads; the links are
// removed, batch by batch (a busy register has millions).
MATCH (:AuditEvent)-[r:ABOUT|UNDER]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS;
