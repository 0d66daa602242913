package staging

// What the external tests reach inside a Store: the subject its sealed
// bucket's batched reads are sent to, so that a test can put a subscriber
// in front of the server that changes its replies (batch_proxy_test.go).

func SealedDirectGetSubject(st *Store) string { return st.sealed.direct.subject }

func SetSealedDirectGetSubject(st *Store, subject string) { st.sealed.direct.subject = subject }
