package command_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

func TestValidateResultAuthorisation(t *testing.T) {
	t.Parallel()
	role := func(r auth.Role) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{Subject: "user-1", Roles: []auth.Role{r}, Centre: "centre-1"})
	}
	tests := []struct {
		name       string
		ctx        context.Context
		wantKind   apperr.Kind
		wantReason string
		wantRule   string
	}{
		{"R51: no token", context.Background(), apperr.KindUnauthenticated, "UNAUTHENTICATED", ""},
		{"R51: the centre that ran the session may not validate", role(auth.RoleCentre), apperr.KindPermissionDenied, "PERMISSION_DENIED", "R51"},
		{"R51: a juror may not validate", role(auth.RoleJuror), apperr.KindPermissionDenied, "PERMISSION_DENIED", "R51"},
		{"R51: a candidate may not validate", role(auth.RoleCandidate), apperr.KindPermissionDenied, "PERMISSION_DENIED", "R51"},
		{"R51: an administrator may not validate", role(auth.RoleAdmin), apperr.KindPermissionDenied, "PERMISSION_DENIED", "R51"},
		{"R51: the ministry validates", ministry(), 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := awardsDB(t, sqliteDB(t))
			receive(t, db, signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1", "CCP2", "CCP3"})))
			out, err := validator(t, db, testSigner(t)).Handle(tt.ctx, command.ValidateResult{SessionID: "s1"})
			if tt.wantReason == "" {
				if err != nil || out.Result.State != result.Validated || len(out.Certificates) != 1 {
					t.Fatalf("Handle() = %+v, %v; want validated with one certificate", out, err)
				}
				return
			}
			ae := requireKind(t, err, tt.wantKind, tt.wantReason)
			if ae.Rule != tt.wantRule {
				t.Fatalf("rule = %q; want %q", ae.Rule, tt.wantRule)
			}
			if got := counts(t, db); got != (awardCounts{}) {
				t.Fatalf("after a refusal: %+v; want nothing awarded", got)
			}
		})
	}
}

// TestNoAwardBeforeValidation checks R51: received minutes award nothing,
// and a session whose minutes were not received cannot be validated.
func TestNoAwardBeforeValidation(t *testing.T) {
	t.Parallel()
	db := awardsDB(t, sqliteDB(t))
	receive(t, db, signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1", "CCP2", "CCP3"}), line("cand-b", []string{"CCP1"})))
	if got := counts(t, db); got != (awardCounts{}) {
		t.Fatalf("R51: after the minutes arrived: %+v; want no CCP, no certificate, no event before validation", got)
	}
	r, err := sqlstore.NewResultRepository(db).Get(context.Background(), "s1")
	if err != nil || r.State != result.AwaitingValidation {
		t.Fatalf("result = %s, %v; want AWAITING_VALIDATION", r.State, err)
	}
	_, err = validator(t, db, testSigner(t)).Handle(ministry(), command.ValidateResult{SessionID: "s-unsigned"})
	if ae := requireKind(t, err, apperr.KindFailedPrecondition, "MINUTES_NOT_SIGNED"); ae.Rule != "R51" {
		t.Fatalf("R51: validating a session without signed minutes: rule %q; want R51", ae.Rule)
	}
}

// TestValidateResultAwards follows one person through three sessions and
// another through one: the record keeps every CCP (R53), the titre comes
// when the record is complete, by capitalisation when CCPs come from
// several sessions (R54), and not before.
func TestValidateResultAwards(t *testing.T) {
	t.Parallel()
	db := awardsDB(t, sqliteDB(t))
	signer := testSigner(t)
	v := validator(t, db, signer)
	type wantCert struct {
		candidate string
		kind      certificate.Kind
		ccps      string
		byCapital bool
	}
	steps := []struct {
		name      string
		minutes   result.SessionResult
		wantCerts []wantCert
		wantHeldA string
		want      awardCounts // cumulative
	}{
		{
			name: "R53: partial success records CCP1 and CCP2 with a livret; full success gives a titre; nothing obtained gives nothing",
			minutes: signedMinutes("s1", "2026-03-01",
				line("cand-a", []string{"CCP1", "CCP2"}, "CCP3"),
				line("cand-b", []string{"CCP1", "CCP2", "CCP3"}),
				line("cand-c", nil, "CCP1", "CCP2", "CCP3")), // identity unknown: not needed, nothing to award
			wantCerts: []wantCert{
				{"cand-a", certificate.Livret, "[CCP1 CCP2]", false},
				{"cand-b", certificate.Titre, "[CCP1 CCP2 CCP3]", false},
			},
			wantHeldA: "[CCP1@s1 CCP2@s1]",
			want:      awardCounts{Ccps: 5, Titres: 1, Livrets: 1, EvValidated: 1, EvCcp: 5, EvTitle: 1, EvLivret: 1},
		},
		{
			name:      "R54: CCP3 obtained in a CCP session completes the record: titre by capitalisation",
			minutes:   signedMinutes("s2", "2026-06-01", line("cand-a", []string{"CCP3"})),
			wantCerts: []wantCert{{"cand-a", certificate.Titre, "[CCP1 CCP2 CCP3]", true}},
			wantHeldA: "[CCP1@s1 CCP2@s1 CCP3@s2]",
			want:      awardCounts{Ccps: 6, Titres: 2, Livrets: 1, EvValidated: 2, EvCcp: 6, EvTitle: 2, EvLivret: 1},
		},
		{
			name:      "R53: a CCP obtained again keeps its first session; the titre is not awarded twice",
			minutes:   signedMinutes("s3", "2026-09-01", line("cand-a", []string{"CCP1"})),
			wantHeldA: "[CCP1@s1 CCP2@s1 CCP3@s2]",
			want:      awardCounts{Ccps: 6, Titres: 2, Livrets: 1, EvValidated: 3, EvCcp: 6, EvTitle: 2, EvLivret: 1},
		},
	}
	for _, s := range steps {
		receive(t, db, s.minutes)
		out, err := v.Handle(ministry(), command.ValidateResult{SessionID: s.minutes.SessionID, MinutesHash: hash})
		if err != nil {
			t.Fatalf("%s: validate: %v", s.name, err)
		}
		if len(out.Certificates) != len(s.wantCerts) {
			t.Fatalf("%s: %d certificates issued; want %d", s.name, len(out.Certificates), len(s.wantCerts))
		}
		for i, w := range s.wantCerts {
			c := out.Certificates[i]
			if c.CandidateID != w.candidate || c.Kind != w.kind || fmt.Sprint(c.CcpCodes()) != w.ccps || c.ByCapitalisation != w.byCapital {
				t.Fatalf("%s: certificate %d = %s %s %v by capitalisation %v; want %+v", s.name, i, c.CandidateID, c.Kind, c.CcpCodes(), c.ByCapitalisation, w)
			}
			if _, err := certificate.ParseNumber(string(c.Number)); err != nil || !strings.HasPrefix(string(c.Number), "TP-2026-") {
				t.Fatalf("%s: number %q is not a valid 2026 number", s.name, c.Number)
			}
			if c.SessionID != s.minutes.SessionID || c.JuryDate != s.minutes.JuryDate || c.IssueDate != "2026-06-10" || c.Holder.BirthName != "Martin" {
				t.Fatalf("%s: certificate %+v", s.name, c)
			}
			if err := signer.Keyring().Verify(c); err != nil {
				t.Fatalf("%s: certificate does not verify: %v", s.name, err)
			}
		}
		held, err := sqlstore.NewRecordRepository(db).HeldCcps(context.Background(), "cand-a")
		if err != nil {
			t.Fatalf("HeldCcps: %v", err)
		}
		var got []string
		for _, h := range held {
			got = append(got, h.CcpCode+"@"+h.SessionID)
		}
		if fmt.Sprint(got) != s.wantHeldA {
			t.Fatalf("%s: cand-a holds %v; want %s", s.name, got, s.wantHeldA)
		}
		if got := counts(t, db); got != s.want {
			t.Fatalf("%s: %+v; want %+v", s.name, got, s.want)
		}
	}
}

func TestValidateTwiceAwardsOnce(t *testing.T) {
	t.Parallel()
	db := awardsDB(t, sqliteDB(t))
	receive(t, db, signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1", "CCP2", "CCP3"})))
	v := validator(t, db, testSigner(t))
	if _, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s1"}); err != nil {
		t.Fatalf("first validation: %v", err)
	}
	first := counts(t, db)
	_, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s1"})
	if ae := requireKind(t, err, apperr.KindFailedPrecondition, "RESULTS_ALREADY_VALIDATED"); ae.Meta["validated_by"] != "officer-1" {
		t.Fatalf("second validation meta = %v; want validated_by officer-1", ae.Meta)
	}
	if got := counts(t, db); got != first || got.Titres != 1 || got.EvTitle != 1 {
		t.Fatalf("after a second validation: %+v; want %+v with one titre and one TitleAwarded", got, first)
	}
}

func TestValidateResultRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		setup      func(t *testing.T, db *sqldb.DB)
		minutes    result.SessionResult
		cmd        command.ValidateResult
		wantReason string
		wantRule   string
	}{
		{
			name: "R4: nothing is awarded more than one year after the title version's end",
			setup: func(t *testing.T, db *sqldb.DB) {
				closed := strings.Replace(strings.Replace(threeCcpTitle, `version: "2024"`, `version: "2015"`, 1),
					"valid_from: 2024-01-01", "valid_from: 2015-01-01\nvalid_to: 2025-06-09", 1)
				tv, err := catalogue.Parse("tp-00003-2015.yaml", []byte(closed))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := titleRepo(db).Publish(context.Background(), fixedNow(), tv); err != nil {
					t.Fatal(err)
				}
			},
			minutes: func() result.SessionResult {
				r := signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1"}))
				r.TitleVersion = "2015" // ended 2025-06-09; the validation is on 2026-06-10
				return r
			}(),
			cmd: command.ValidateResult{SessionID: "s1"}, wantReason: "TITLE_CLOSED", wantRule: "R4",
		},
		{
			name:    "R51: the officer examined other minutes",
			minutes: signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1"})),
			cmd:     command.ValidateResult{SessionID: "s1", MinutesHash: strings.Repeat("0", 64)}, wantReason: "MINUTES_HASH_MISMATCH", wantRule: "R51",
		},
		{
			name: "R50: minutes without the jury's signatures",
			minutes: func() result.SessionResult {
				r := signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1"}))
				r.Signatures = nil
				return r
			}(),
			cmd: command.ValidateResult{SessionID: "s1"}, wantReason: "MINUTES_SIGNATURES_INVALID", wantRule: "R50",
		},
		{
			name:    "a person whose identity has not arrived cannot be certified yet",
			minutes: signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1"}), line("cand-d", []string{"CCP1"})),
			cmd:     command.ValidateResult{SessionID: "s1"}, wantReason: "HOLDER_UNKNOWN",
		},
		{
			name: "minutes about a title version not in the catalogue",
			minutes: func() result.SessionResult {
				r := signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1"}))
				r.TitleVersion = "1999"
				return r
			}(),
			cmd: command.ValidateResult{SessionID: "s1"}, wantReason: "TITLE_NOT_IN_CATALOGUE",
		},
		{
			name:    "minutes awarding a CCP the title does not have",
			minutes: signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1", "CCP9"})),
			cmd:     command.ValidateResult{SessionID: "s1"}, wantReason: "CCP_NOT_IN_TITLE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := awardsDB(t, sqliteDB(t))
			if tt.setup != nil {
				tt.setup(t, db)
			}
			receive(t, db, tt.minutes)
			_, err := validator(t, db, testSigner(t)).Handle(ministry(), tt.cmd)
			if ae := requireKind(t, err, apperr.KindFailedPrecondition, tt.wantReason); ae.Rule != tt.wantRule {
				t.Fatalf("rule = %q; want %q", ae.Rule, tt.wantRule)
			}
			if got := counts(t, db); got != (awardCounts{}) {
				t.Fatalf("after a refusal: %+v; want nothing written", got)
			}
			r, err := sqlstore.NewResultRepository(db).Get(context.Background(), "s1")
			if err != nil || r.State != result.AwaitingValidation {
				t.Fatalf("result after a refusal = %s, %v; want still AWAITING_VALIDATION", r.State, err)
			}
		})
	}
	t.Run("missing session id", func(t *testing.T) {
		t.Parallel()
		db := awardsDB(t, sqliteDB(t))
		_, err := validator(t, db, testSigner(t)).Handle(ministry(), command.ValidateResult{})
		requireKind(t, err, apperr.KindInvalidArgument, "INVALID_ARGUMENT")
	})
}

// TestConcurrentValidationsAwardTheTitreOnce validates, at the same time,
// the two sessions that together complete one person's record: whichever
// commits second must see the other's CCPs and award the titre, exactly
// once (reliability doc R12).
func TestConcurrentValidationsAwardTheTitreOnce(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := awardsDB(t, migrated(t, e))
			receive(t, db, signedMinutes("s1", "2026-03-01", line("cand-a", []string{"CCP1", "CCP2"}), line("cand-b", []string{"CCP1"})))
			receive(t, db, signedMinutes("s2", "2026-03-02", line("cand-b", []string{"CCP2"}), line("cand-a", []string{"CCP3"})))
			v := validator(t, db, testSigner(t))
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range []string{"s1", "s2"} {
				wg.Go(func() {
					_, errs[i] = v.Handle(ministry(), command.ValidateResult{SessionID: id})
				})
			}
			wg.Wait()
			for i, err := range errs {
				// A conflict the store could not retry away is reported as
				// retryable; retry it as a client would.
				for attempt := 0; err != nil && apperr.IsRetryable(err) && attempt < 5; attempt++ {
					_, err = v.Handle(ministry(), command.ValidateResult{SessionID: []string{"s1", "s2"}[i]})
				}
				if err != nil {
					t.Fatalf("validation of s%d: %v", i+1, err)
				}
			}
			got := counts(t, db)
			if got.Titres != 1 || got.EvTitle != 1 || got.Ccps != 5 || got.EvCcp != 5 {
				t.Fatalf("after concurrent validations: %+v; want one titre (cand-a), 5 CCPs", got)
			}
			if n := countRows(t, db, "certificates", "candidate_id = 'cand-a' AND kind = 'TITRE'"); n != 1 {
				t.Fatalf("cand-a has %d titres; want 1", n)
			}
		})
	}
}

func TestRecordResult(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	repo := sqlstore.NewResultRepository(db)
	h := command.NewRecordResultHandler()
	m := signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1"}))
	m.State, m.ValidatedBy = result.Validated, "forged" // an event cannot carry a validation
	for i, want := range []bool{true, false} {
		created, err := h.Handle(context.Background(), repo, m)
		if err != nil || created != want {
			t.Fatalf("delivery %d: Handle() = %v, %v; want %v", i, created, err, want)
		}
	}
	got, err := repo.Get(context.Background(), "s1")
	if err != nil || got.State != result.AwaitingValidation || got.ValidatedBy != "" {
		t.Fatalf("stored %s by %q, %v; want AWAITING_VALIDATION", got.State, got.ValidatedBy, err)
	}
	other := m
	other.MinutesHash = "other"
	if _, err := h.Handle(context.Background(), repo, other); !errors.Is(err, result.ErrMinutesConflict) {
		t.Fatalf("other minutes = %v; want ErrMinutesConflict", err)
	}
	bad := m
	bad.SessionID = "s2"
	bad.JuryDate = ""
	if _, err := h.Handle(context.Background(), repo, bad); apperr.KindOf(err) != apperr.KindInvalidArgument {
		t.Fatalf("minutes without a jury date = %v; want invalid argument", err)
	}
}

func TestR56_EveryTitreAwardedIsTrackedForTheCpfDeposit(t *testing.T) {
	t.Parallel()
	db := awardsDB(t, sqliteDB(t))
	v := validator(t, db, testSigner(t))
	receive(t, db, signedMinutes("s1", "2026-03-01",
		line("cand-a", []string{"CCP1", "CCP2"}, "CCP3"),  // livret: not deposited
		line("cand-b", []string{"CCP1", "CCP2", "CCP3"}))) // titre
	out, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s1", MinutesHash: hash})
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
	var titre certificate.Certificate
	for _, c := range out.Certificates {
		if c.Kind == certificate.Titre {
			titre = c
		}
	}
	want := []cpfdeposit.State{{AwardID: string(titre.Number), AwardDate: "2026-06-10"}}
	repo := sqlstore.NewCpfDepositRepository(db)
	got, err := repo.States(context.Background())
	if err != nil {
		t.Fatalf("States: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tracked %+v; want only the titre, never deposited: %+v", got, want)
	}
	if _, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s1"}); err == nil {
		t.Fatal("second validation accepted")
	}
	if got, _ := repo.States(context.Background()); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a refused second validation: %+v; want %+v", got, want)
	}
}
