package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/app/notify"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// TestSanctionRepository_CreateAndList (R58): a sanction is stored with its
// SanctionPronounced event and lists back as it was pronounced, oldest
// first, only under its candidate.
func TestSanctionRepository_CreateAndList(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		c := create(t, repo, "user-1", "centre-1", baseTime)
		other := create(t, repo, "user-2", "centre-1", baseTime)
		sanctions := sqlstore.NewSanctionRepository(db, outbox.New(db))
		at := baseTime.Add(time.Hour).Truncate(time.Microsecond)
		excl, err := sanction.Pronounce("0197a5d0-0000-7000-8000-00000000000a", c.ID(), sanction.Input{Kind: sanction.KindExclusion,
			NotifiedOn: at.Format(time.DateOnly), Reference: "fr-1", Motivation: "Exclu de la session.", SessionID: "s-1"}, 12, "dreets-1", at)
		require.NoError(t, err)
		ban, err := sanction.Pronounce("0197a5d0-0000-7000-8000-00000000000b", c.ID(), sanction.Input{Kind: sanction.KindBan, DurationMonths: 12,
			NotifiedOn: at.Format(time.DateOnly), Reference: "fr-1", Motivation: "Fraude avérée."}, 12, "dreets-1", at.Add(time.Minute))
		require.NoError(t, err)
		before := len(outboxRows(t, db))
		require.NoError(t, sanctions.Create(ctx, excl))
		require.NoError(t, sanctions.Create(ctx, ban))

		got, err := sanctions.List(ctx, c.ID())
		require.NoError(t, err)
		require.Equal(t, []sanction.Sanction{excl, ban}, got)
		none, err := sanctions.List(ctx, other.ID())
		require.NoError(t, err)
		require.Empty(t, none)

		rows := outboxRows(t, db)[before:]
		require.Len(t, rows, 2)
		require.Equal(t, "titrepro.candidate.v1.sanction_pronounced", rows[1].Subject)
		var ev candidatev1.SanctionPronounced
		require.NoError(t, proto.Unmarshal(rows[1].Payload, &ev))
		require.Equal(t, ban.EndsOn.String(), ev.GetSanction().GetEndsOn())
		require.Equal(t, candidatev1.SanctionKind_SANCTION_KIND_BAN, ev.GetSanction().GetKind())
	})
}

// TestR58_SanctionAndItsMessageCommitTogether: a Telling repository writes
// the message to the person in the sanction's transaction, keyed by the
// SanctionPronounced event; when the message cannot be written, neither
// the sanction nor its event is.
func TestR58_SanctionAndItsMessageCommitTogether(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		c := create(t, repo, "user-1", "centre-1", baseTime)
		at := baseTime.Add(time.Hour).Truncate(time.Microsecond)
		clock := func() time.Time { return at }
		woken := 0
		sanctions := sqlstore.NewSanctionRepository(db, outbox.New(db)).Telling(notify.New(clock).SanctionPronounced,
			func() { woken++ }, clock)
		ban, err := sanction.Pronounce("0197a5d0-0000-7000-8000-00000000000c", c.ID(), sanction.Input{Kind: sanction.KindBan, DurationMonths: 2,
			NotifiedOn: at.Format(time.DateOnly), Reference: "fr-2", Motivation: "Fraude avérée."}, 12, "dreets-1", at)
		require.NoError(t, err)
		before := len(outboxRows(t, db))
		require.NoError(t, sanctions.Create(ctx, ban))
		events := outboxRows(t, db)[before:]
		require.Len(t, events, 1)
		var kind, key, messageID, subject string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT kind, recipient_key, message_id, subject FROM mail_outbox`).
			Scan(&kind, &key, &messageID, &subject))
		require.Equal(t, string(notice.KindSanction), kind)
		require.Equal(t, notice.CandidateKey(c.ID()), key)
		require.Equal(t, notice.MessageID(events[0].ID, notice.KindSanction, key), messageID)
		require.Contains(t, subject, "interdiction d'inscription jusqu'au")
		require.Equal(t, 1, woken)

		failing := sqlstore.NewSanctionRepository(db, outbox.New(db)).Telling(
			func(context.Context, notice.Store, string, sanction.Sanction) error {
				return errors.New("mail outbox unavailable")
			}, nil, clock)
		excl, err := sanction.Pronounce("0197a5d0-0000-7000-8000-00000000000d", c.ID(), sanction.Input{Kind: sanction.KindExclusion,
			NotifiedOn: at.Format(time.DateOnly), Reference: "fr-3", Motivation: "Exclu."}, 12, "dreets-1", at)
		require.NoError(t, err)
		require.Error(t, failing.Create(ctx, excl))
		got, err := sanctions.List(ctx, c.ID())
		require.NoError(t, err)
		require.Equal(t, []sanction.Sanction{ban}, got)
		require.Len(t, outboxRows(t, db), before+1)
	})
}
