package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// TestSessionRepository_DeclareLinks: a juror's own declaration (R21) is
// stored with when it was made, replaces the centre's links, and its
// events (JurorLinksDeclared, CandidacyRecusalsChanged for the candidacy
// it recuses the juror from) are in the outbox of the same transaction.
func TestSessionRepository_DeclareLinks(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		s := create(t, st, "C", now)
		update(t, st, s.ID(), func(s *session.Session) error {
			_, err := s.AddJuror(juror(t, "j1"), now)
			return err
		})
		cys := register(t, st, s.ID(), [2]string{"cand-a", "person-a"})

		got, err := st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		require.True(t, got.Jurors()[0].LinksDeclaredAt.IsZero(), "the centre's links are not a declaration")

		at := now.Add(time.Minute)
		update(t, st, s.ID(), func(s *session.Session) error {
			_, err := s.DeclareLinks("j1", []jury.Link{{Kind: jury.LinkTrainingOrganisation, Value: "AFPA Lyon"}}, at)
			return err
		})
		got, err = st.sessions.Get(ctx, s.ID())
		require.NoError(t, err)
		j := got.Jurors()[0]
		require.Equal(t, []jury.Link{{Kind: jury.LinkTrainingOrganisation, Value: "AFPA Lyon"}}, j.Links)
		require.True(t, j.LinksDeclaredAt.Equal(at), "declared at %v", j.LinksDeclaredAt)
		require.True(t, got.Conflicted("j1", cys[0]))

		rows := outboxRows(t, st.db, "titrepro.assessment.v1.juror_links_declared")
		require.Len(t, rows, 1)
		var declared assessmentv1.JurorLinksDeclared
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &declared))
		require.Equal(t, "j1", declared.GetJurorSubject())
		require.Equal(t, assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, declared.GetLinks()[0].GetKind())
		require.Equal(t, cys, declared.GetRecusedCandidacyIds())
		rows = outboxRows(t, st.db, "titrepro.assessment.v1.candidacy_recusals_changed")
		require.Len(t, rows, 1)
		var recusals assessmentv1.CandidacyRecusalsChanged
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &recusals))
		require.Equal(t, cys[0], recusals.GetCandidacyId())
		require.Equal(t, []string{"j1"}, recusals.GetJurorSubjects())
	})
}
