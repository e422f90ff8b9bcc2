package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

func TestSessionRepository_CreateAndGet(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s := create(t, st, "CENTRE-69", now)
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Equal(t, s.Summary().CCPs, got.Summary().CCPs)
		require.Equal(t, session.StatePlanned, got.State())
		require.Equal(t, "1", got.Etag())
		require.True(t, got.CreatedAt().Equal(now), "created_at %v", got.CreatedAt())

		rows := outboxRows(t, st.db, "titrepro.assessment.v1.session_planned")
		require.Len(t, rows, 1)
		require.Equal(t, "titrepro.assessment.v1.SessionPlanned", rows[0].Type)
		require.Equal(t, "titrepro/assessment", rows[0].Source)
		require.Equal(t, "sessions/"+s.ID(), rows[0].Resource)
		var ev assessmentv1.SessionPlanned
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &ev))
		require.Equal(t, rows[0].ID, ev.GetEventId())
		require.Equal(t, "CENTRE-69", ev.GetCentreId())
		require.Equal(t, []string{"CCP1", "CCP2"}, ev.GetCcpCodes())

		_, err = st.sessions.Get(ctx, newID(t))
		require.ErrorIs(t, err, session.ErrNotFound)
		_, err = st.sessions.Update(ctx, newID(t), func(*session.Session) error { return nil })
		require.ErrorIs(t, err, session.ErrNotFound)
	})
}

func TestSessionRepository_IdempotentCreate(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		key := session.RequestKey{CreatedBy: "centre-user", RequestID: "0197a5d0-0000-7000-8000-00000000beef", RequestHash: "h1"}
		first, err := st.sessions.Create(ctx, newSession(t, "C", key, now))
		require.NoError(t, err)
		again, err := st.sessions.Create(ctx, newSession(t, "C", key, now))
		require.NoError(t, err)
		require.Equal(t, first.ID(), again.ID(), "a retry returns the first session")
		require.Len(t, outboxRows(t, st.db, "titrepro.assessment.v1.session_planned"), 1)

		other := key
		other.RequestHash = "h2"
		_, err = st.sessions.Create(ctx, newSession(t, "C", other, now))
		require.ErrorIs(t, err, session.ErrRequestIDReused)
	})
}

func TestSessionRepository_UpdateRoundTripsEveryPart(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s, cyID := deliberated(t, st)
		s = update(t, st, s.ID(), func(s *session.Session) error {
			m, err := s.Minutes(hasher)
			if err != nil {
				return err
			}
			_, err = s.Sign("j2", m.Hash, hasher, now)
			return err
		})
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Equal(t, s.Snapshot(), got.Snapshot(), "what was saved reads back identically")
		require.Equal(t, session.StateDeliberated, got.State())

		c, err := got.Candidacy(cyID)
		require.NoError(t, err)
		require.Equal(t, "mh-1", c.Dossier.ManifestHash)
		require.Equal(t, "Martin Alice Marie", c.CandidateName)
		require.Len(t, c.Deliberation.Decisions, 2)
		require.Equal(t, "incident handling not shown", c.Deliberation.Decisions[1].Motivation)
		m1, err := s.Minutes(hasher)
		require.NoError(t, err)
		m2, err := got.Minutes(hasher)
		require.NoError(t, err)
		require.Equal(t, m1.Hash, m2.Hash, "the minutes hash survives storage")

		require.Len(t, outboxRows(t, st.db, "titrepro.assessment.v1.juror_assigned"), 2)
		registered := outboxRows(t, st.db, "titrepro.assessment.v1.candidacy_registered")
		require.Len(t, registered, 1)
		require.Equal(t, "sessions/"+s.ID()+"/candidacies/"+cyID, registered[0].Resource)
	})
}

func TestSessionRepository_FailedOrEmptyChangeWritesNothing(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s := create(t, st, "C", now)
		boom := apperr.New(apperr.KindFailedPrecondition, "BOOM", "refused")
		_, err := st.sessions.Update(ctx, s.ID(), func(s *session.Session) error {
			if _, err := s.AddJuror(juror(t, "j1"), now); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Empty(t, got.Jurors(), "a failed change is rolled back")
		require.Empty(t, outboxRows(t, st.db, "titrepro.assessment.v1.juror_assigned"))

		update(t, st, s.ID(), func(s *session.Session) error { _, err := s.AddJuror(juror(t, "j1"), now); return err })
		same := update(t, st, s.ID(), func(s *session.Session) error { _, err := s.AddJuror(juror(t, "j1"), now); return err })
		require.Equal(t, "2", same.Etag(), "adding the same juror again is no change")
		require.Len(t, outboxRows(t, st.db, "titrepro.assessment.v1.juror_assigned"), 1)

		removed := update(t, st, s.ID(), func(s *session.Session) error { return s.RemoveJuror("j1", "", now) })
		require.Equal(t, "3", removed.Etag())
		got, err = st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Empty(t, got.Jurors(), "the juror row is deleted")
		require.Len(t, outboxRows(t, st.db, "titrepro.assessment.v1.juror_unassigned"), 1)
	})
}

// TestSessionRepository_ConcurrentSignatures: two jurors sign at once; both
// signatures are recorded and exactly one MinutesSigned is written.
func TestSessionRepository_ConcurrentSignatures(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		s, _ := deliberated(t, st)
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, j := range []string{"j1", "j2"} {
			wg.Go(func() {
				<-start
				_, errs[i] = st.sessions.Update(context.Background(), s.ID(), func(s *session.Session) error {
					m, err := s.Minutes(hasher)
					if err != nil {
						return err
					}
					_, err = s.Sign(j, m.Hash, hasher, now)
					return err
				})
			})
		}
		close(start)
		wg.Wait()
		require.NoError(t, errors.Join(errs...))

		got, err := st.sessions.Get(context.Background(), s.ID())
		require.NoError(t, err)
		require.Equal(t, session.StateClosed, got.State())
		require.Len(t, got.Snapshot().Signatures, 2)
		signed := outboxRows(t, st.db, "titrepro.assessment.v1.minutes_signed")
		require.Len(t, signed, 1)
		var ev assessmentv1.MinutesSigned
		require.NoError(t, proto.Unmarshal(signed[0].Payload, &ev))
		require.Len(t, ev.GetSignatures(), 2)
		require.Len(t, ev.GetLines(), 1)
		require.Equal(t, assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL, ev.GetLines()[0].GetTitleOutcome())
		require.Equal(t, "mh-1", ev.GetLines()[0].GetDossierManifestHash())
		m, err := got.Minutes(hasher)
		require.NoError(t, err)
		require.Equal(t, m.Hash, ev.GetContentHash())
	})
}

// TestSessionRepository_ConcurrentChangesSerialise: a change that starts
// while another holds the session waits for it and applies to the state it
// left (PostgreSQL: the session row is locked FOR UPDATE before anything is
// read; SQLite: BEGIN IMMEDIATE), so neither is lost nor replayed.
func TestSessionRepository_ConcurrentChangesSerialise(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s := create(t, st, "C", now)
		loaded := make(chan struct{})
		release := make(chan struct{})
		first := make(chan error, 1)
		attempts := 0
		go func() {
			_, err := st.sessions.Update(ctx, s.ID(), func(s *session.Session) error {
				attempts++
				if attempts == 1 {
					close(loaded)
					<-release
				}
				_, err := s.AddJuror(juror(t, "j1"), now)
				return err
			})
			first <- err
		}()
		<-loaded
		second := make(chan error, 1)
		go func() {
			_, err := st.sessions.Update(ctx, s.ID(), func(s *session.Session) error {
				_, err := s.AddJuror(juror(t, "j2"), now)
				return err
			})
			second <- err
		}()
		close(release)
		require.NoError(t, <-first)
		require.NoError(t, <-second)
		require.Equal(t, 1, attempts, "the first change held the session: it never lost a race")
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Len(t, got.Jurors(), 2, "neither change is lost")
		require.Equal(t, "3", got.Etag())
	})
}

func TestSessionRepository_DossierAttachInCallerTransaction(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s, cyID := deliberated(t, st)
		ids, err := st.sessions.WithCandidate(ctx, "cand-1")
		require.NoError(t, err)
		require.Equal(t, []string{s.ID()}, ids)

		// A submission after the deliberation is ignored: nothing written.
		err = st.db.InTx(ctx, func(tx *sqldbTx) error {
			repo := newTxRepo(st, tx)
			_, err := repo.Update(ctx, s.ID(), func(s *session.Session) error {
				applied, err := s.AttachDossier(session.Submission{CandidacyID: cyID,
					Dossier: candidacy.Dossier{SnapshotID: "snap-2", ManifestHash: "mh-2", SubmittedAt: now.Add(1e9)}}, now)
				require.False(t, applied)
				return err
			})
			return err
		})
		require.NoError(t, err)
		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.Equal(t, s.Etag(), got.Etag())
	})
}
