package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

func TestValidationStore(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name string
				run  func(t *testing.T, db *sqldb.DB)
			}{
				{"a result is validated once", testSaveValidationOnce},
				{"a validation that fails leaves nothing behind", testValidationRollback},
				{"R53: a CCP held keeps its first session", testHoldKeepsFirstSession},
				{"locking an unknown person is not found", testLockUnknownHolder},
				{"one titre per person and title version, one certificate per person and session", testUniqueAwards},
				{"events are written in order, with event_id = ce-id", testAwardEvents},
				{"titles are read inside the transaction", testUnitTitle},
				{"two validations of the same person run one after the other", testLockHolderSerialises},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					tt.run(t, openDB(t, e))
				})
			}
		})
	}
}

func validate(ctx context.Context, u command.ValidationUnit, sessionID string) error {
	r, err := u.Result(ctx, sessionID)
	if err != nil {
		return err
	}
	// Bypass MarkValidated's own state check: the store must refuse too.
	r.State, r.ValidatedBy, r.ValidatedAt = result.Validated, "officer", received
	return u.SaveValidation(ctx, r)
}

func testSaveValidationOnce(t *testing.T, db *sqldb.DB) {
	if _, err := sqlstore.NewResultRepository(db).Record(context.Background(), minutes("s1", "cand-1")); err != nil {
		t.Fatalf("Record: %v", err)
	}
	for i, want := range []error{nil, result.ErrAlreadyValidated} {
		err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error { return validate(ctx, u, "s1") })
		if !errors.Is(err, want) {
			t.Fatalf("validation #%d = %v; want %v", i, err, want)
		}
	}
}

func testValidationRollback(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	if _, err := sqlstore.NewResultRepository(db).Record(ctx, minutes("s1", "cand-1")); err != nil {
		t.Fatalf("Record: %v", err)
	}
	storeHolder(t, db, "cand-1", "sub-1")
	errLate := errors.New("a late failure")
	err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		if err := validate(ctx, u, "s1"); err != nil {
			return err
		}
		if _, err := u.LockHolder(ctx, "cand-1"); err != nil {
			return err
		}
		h := award.HeldCcp{CandidateID: "cand-1", TitleCode: "TP-00001", TitleVersion: "2024", CcpCode: "CCP1", SessionID: "s1", JuryDate: "2026-03-01"}
		if _, err := u.Hold(ctx, h, received); err != nil {
			return err
		}
		c := signedCertificate(t, newSigner(t), "TP-2026-ABCD-EFGH-X", certificate.Livret, "cand-1", "s1")
		if err := u.Issue(ctx, c); err != nil {
			return err
		}
		if err := u.Publish(ctx, award.CcpAwarded{Ccp: h, At: received}, award.LivretIssued{Certificate: c}); err != nil {
			return err
		}
		return errLate
	})
	if !errors.Is(err, errLate) {
		t.Fatalf("InValidation = %v; want the late failure", err)
	}
	for table, want := range map[string]int{"record_ccps": 0, "certificates": 0, "outbox": 0} {
		if n := count(t, db, table); n != want {
			t.Errorf("%d rows in %s after a failed validation; want %d", n, table, want)
		}
	}
	r, err := sqlstore.NewResultRepository(db).Get(ctx, "s1")
	if err != nil || r.State != result.AwaitingValidation {
		t.Fatalf("result after a failed validation = %s, %v; want AWAITING_VALIDATION", r.State, err)
	}
}

func testHoldKeepsFirstSession(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	h := award.HeldCcp{CandidateID: "cand-1", TitleCode: "TP-00001", TitleVersion: "2024", CcpCode: "CCP1", SessionID: "s1", JuryDate: "2026-03-01"}
	later := h
	later.SessionID, later.JuryDate = "s2", "2026-06-01"
	other := h
	other.CcpCode = "CCP2"
	steps := []struct {
		in   award.HeldCcp
		want bool
	}{{h, true}, {later, false}, {other, true}}
	for _, s := range steps {
		err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
			added, err := u.Hold(ctx, s.in, received)
			if err == nil && added != s.want {
				return fmt.Errorf("Hold(%s@%s) = %v; want %v", s.in.CcpCode, s.in.SessionID, added, s.want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := sqlstore.NewRecordRepository(db).HeldCcps(ctx, "cand-1")
	if err != nil || !reflect.DeepEqual(got, []award.HeldCcp{h, other}) {
		t.Fatalf("HeldCcps() = %+v, %v; want CCP1@s1 and CCP2@s1", got, err)
	}
	var inUnitHeld []award.HeldCcp
	_ = inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		inUnitHeld, err = u.HeldCcps(ctx, "cand-1", "TP-00001", "2024")
		return err
	})
	if !reflect.DeepEqual(inUnitHeld, got) {
		t.Fatalf("unit HeldCcps() = %+v; want %+v", inUnitHeld, got)
	}
	if other, err := sqlstore.NewRecordRepository(db).HeldCcps(ctx, "cand-2"); err != nil || len(other) != 0 {
		t.Fatalf("HeldCcps(another person) = %v, %v; want none", other, err)
	}
}

func testLockUnknownHolder(t *testing.T, db *sqldb.DB) {
	storeHolder(t, db, "cand-1", "sub-1")
	err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		if h, err := u.LockHolder(ctx, "cand-1"); err != nil || h.Subject != "sub-1" {
			return fmt.Errorf("LockHolder(known) = %+v, %v", h, err)
		}
		_, err := u.LockHolder(ctx, "cand-unknown")
		return err
	})
	if !errors.Is(err, holder.ErrNotFound) {
		t.Fatalf("LockHolder(unknown) = %v; want holder.ErrNotFound", err)
	}
}

func testUniqueAwards(t *testing.T, db *sqldb.DB) {
	signer := newSigner(t)
	issue := func(c certificate.Certificate) error {
		return inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error { return u.Issue(ctx, c) })
	}
	steps := []struct {
		name string
		c    certificate.Certificate
		want error
	}{
		{"a livret", signedCertificate(t, signer, "TP-2026-0000-0001-7", certificate.Livret, "cand-1", "s1"), nil},
		{"a titre in another session", signedCertificate(t, signer, "TP-2026-0000-0002-8", certificate.Titre, "cand-1", "s2"), nil},
		{"a second titre", signedCertificate(t, signer, "TP-2026-0000-0003-9", certificate.Titre, "cand-1", "s3"), sqlstore.ErrAwardExists},
		{"a second certificate in a session", signedCertificate(t, signer, "TP-2026-0000-0004-A", certificate.Livret, "cand-1", "s1"), sqlstore.ErrAwardExists},
		{"another person's titre", signedCertificate(t, signer, "TP-2026-0000-0005-B", certificate.Titre, "cand-2", "s2"), nil},
	}
	for _, s := range steps {
		if err := issue(s.c); !errors.Is(err, s.want) {
			t.Fatalf("%s: Issue() = %v; want %v", s.name, err, s.want)
		}
	}
	if n := count(t, db, "certificates"); n != 3 {
		t.Fatalf("%d certificates; want 3", n)
	}
	err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		for _, tt := range []struct {
			candidate string
			want      bool
		}{{"cand-1", true}, {"cand-2", true}, {"cand-3", false}} {
			if got, err := u.HasTitre(ctx, tt.candidate, "TP-00001", "2024"); err != nil || got != tt.want {
				return fmt.Errorf("HasTitre(%s) = %v, %v; want %v", tt.candidate, got, err, tt.want)
			}
		}
		if got, err := u.HasTitre(ctx, "cand-1", "TP-00001", "2025"); err != nil || got {
			return fmt.Errorf("HasTitre(other version) = %v, %v; want false", got, err)
		}
		if taken, err := u.NumberTaken(ctx, "TP-2026-0000-0001-7"); err != nil || !taken {
			return fmt.Errorf("NumberTaken(issued) = %v, %v", taken, err)
		}
		if taken, err := u.NumberTaken(ctx, "TP-2026-0000-0009-F"); err != nil || taken {
			return fmt.Errorf("NumberTaken(free) = %v, %v", taken, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testAwardEvents(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	signer := newSigner(t)
	h := award.HeldCcp{CandidateID: "cand-1", TitleCode: "TP-00001", TitleVersion: "2024", CcpCode: "CCP1", SessionID: "s1", JuryDate: "2026-03-01"}
	titre := signedCertificate(t, signer, "TP-2026-0000-0001-7", certificate.Titre, "cand-1", "s1")
	livret := signedCertificate(t, signer, "TP-2026-0000-0002-8", certificate.Livret, "cand-2", "s1")
	err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		return u.Publish(ctx,
			award.ResultsValidated{SessionID: "s1", ValidatedBy: "officer", MinutesHash: minutesHash, At: received},
			award.CcpAwarded{Ccp: h, Label: "Activité 1", At: received},
			award.TitleAwarded{Certificate: titre, RNCPID: "RNCP1"},
			award.LivretIssued{Certificate: livret},
		)
	})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT id, subject, type, resource, payload FROM outbox ORDER BY seq`)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	defer rows.Close()
	want := []struct {
		subject, resource string
		msg               proto.Message
	}{
		{"titrepro.certification.v1.results_validated", "results/s1", &certificationv1.ResultsValidated{}},
		{"titrepro.certification.v1.ccp_awarded", "records/cand-1", &certificationv1.CcpAwarded{}},
		{"titrepro.certification.v1.title_awarded", "certificates/TP-2026-0000-0001-7", &certificationv1.TitleAwarded{}},
		{"titrepro.certification.v1.livret_issued", "certificates/TP-2026-0000-0002-8", &certificationv1.LivretIssued{}},
	}
	i := 0
	for rows.Next() {
		var (
			id, subject, typ, resource string
			payload                    []byte
		)
		if err := rows.Scan(&id, &subject, &typ, &resource, &payload); err != nil {
			t.Fatalf("scan: %v", err)
		}
		if i >= len(want) {
			t.Fatalf("more than %d events", len(want))
		}
		w := want[i]
		if subject != w.subject || resource != w.resource || typ != string(w.msg.ProtoReflect().Descriptor().FullName()) {
			t.Fatalf("event %d = %s %s %s; want %s %s", i, subject, typ, resource, w.subject, w.resource)
		}
		if err := proto.Unmarshal(payload, w.msg); err != nil {
			t.Fatalf("decode event %d: %v", i, err)
		}
		if got := w.msg.ProtoReflect().Get(w.msg.ProtoReflect().Descriptor().Fields().ByName("event_id")).String(); got != id {
			t.Fatalf("event %d: event_id %s != ce-id %s", i, got, id)
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("%d events; want %d", i, len(want))
	}
	ta := want[2].msg.(*certificationv1.TitleAwarded)
	if ta.GetCertificateNumber() != "TP-2026-0000-0001-7" || ta.GetRncpId() != "RNCP1" || ta.GetLevel() != 5 || ta.GetIssueDate() != "2026-03-05" {
		t.Fatalf("TitleAwarded = %v", ta)
	}
	li := want[3].msg.(*certificationv1.LivretIssued)
	if fmt.Sprint(li.GetCcpCodes()) != "[CCP1]" || li.GetCandidateId() != "cand-2" {
		t.Fatalf("LivretIssued = %v", li)
	}
}

func testUnitTitle(t *testing.T, db *sqldb.DB) {
	if _, err := sqlstore.NewTitleRepository(db, outbox.New(db)).Publish(context.Background(), t0, title(t, "TP-00001", "2024", "Titre")); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		p, err := u.Title(ctx, catalogue.Key{Code: "TP-00001", Version: "2024"})
		if err != nil || p.Title.Label != "Titre" {
			return fmt.Errorf("Title() = %+v, %v", p.Title.Label, err)
		}
		_, err = u.Title(ctx, catalogue.Key{Code: "TP-00001", Version: "1999"})
		return err
	})
	if !errors.Is(err, catalogue.ErrTitleNotFound) {
		t.Fatalf("Title(unknown) = %v; want ErrTitleNotFound", err)
	}
}

// testLockHolderSerialises runs validation B while validation A holds the
// person's lock: B must read the record only after A committed, and so see
// A's CCP. Without the lock B would read the record before A's commit,
// miss the CCP and, in real life, miss a titre by capitalisation.
//
// A commits once B has read the record, or after a grace period when B is
// blocked (as it must be): only the content B read is asserted, never a
// duration.
func testLockHolderSerialises(t *testing.T, db *sqldb.DB) {
	storeHolder(t, db, "cand-1", "sub-1")
	h := award.HeldCcp{CandidateID: "cand-1", TitleCode: "TP-00001", TitleVersion: "2024", CcpCode: "CCP1", SessionID: "s1", JuryDate: "2026-03-01"}
	locked, bRead := make(chan struct{}), make(chan struct{})
	aDone := make(chan error, 1)
	go func() {
		aDone <- inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
			if _, err := u.LockHolder(ctx, "cand-1"); err != nil {
				return err
			}
			if _, err := u.Hold(ctx, h, received); err != nil {
				return err
			}
			select {
			case <-locked:
			default:
				close(locked)
			}
			select {
			case <-bRead:
			case <-time.After(300 * time.Millisecond):
			}
			return nil
		})
	}()
	<-locked
	var seen []award.HeldCcp
	err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		if _, err := u.LockHolder(ctx, "cand-1"); err != nil {
			return err
		}
		var err error
		seen, err = u.HeldCcps(ctx, "cand-1", "TP-00001", "2024")
		select {
		case <-bRead:
		default:
			close(bRead)
		}
		return err
	})
	if err != nil {
		t.Fatalf("validation B: %v", err)
	}
	if err := <-aDone; err != nil {
		t.Fatalf("validation A: %v", err)
	}
	if !reflect.DeepEqual(seen, []award.HeldCcp{h}) {
		t.Fatalf("validation B read %+v; want A's CCP1: B must wait for A's commit", seen)
	}
}
