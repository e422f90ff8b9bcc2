package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/adapters/sqlstore"
	registers "github.com/titrepro/titrepro/services/assessment/internal/domain/register"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func mustDate(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	require.NoError(t, err)
	return d
}

func TestRegisterRepository(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		repo := sqlstore.NewRegisterRepository(st.db)

		a := registers.Agrement{ID: "AGR-1", CentreID: "C", TitleID: "TP-00495", TitleVersion: "2008", Site: "Lyon",
			ValidFrom: mustDate(t, "2026-01-01"), ValidTo: mustDate(t, "2027-12-31"), Granted: true, Version: 1}
		saved, err := repo.SaveAgrement(ctx, a)
		require.NoError(t, err)
		require.True(t, saved)
		other := a
		other.ID, other.TitleVersion = "AGR-2", "2024"
		_, err = repo.SaveAgrement(ctx, other)
		require.NoError(t, err)
		got, err := repo.AgrementsOf(ctx, "C", "TP-00495", "2008")
		require.NoError(t, err)
		require.Equal(t, []registers.Agrement{a}, got)

		withdrawn := a
		withdrawn.Granted, withdrawn.Version = false, 2
		saved, err = repo.SaveAgrement(ctx, withdrawn)
		require.NoError(t, err)
		require.True(t, saved)
		saved, err = repo.SaveAgrement(ctx, a) // the grant again, late: older
		require.NoError(t, err)
		require.False(t, saved, "an older version is ignored")
		got, err = repo.AgrementsOf(ctx, "C", "TP-00495", "2008")
		require.NoError(t, err)
		require.Equal(t, []registers.Agrement{withdrawn}, got)

		_, err = repo.Habilitation(ctx, "HAB-1")
		require.ErrorIs(t, err, registers.ErrHabilitationUnknown)
		h := registers.Habilitation{Number: "HAB-1", JurorSubject: "juror-1", JurorName: "Claire", JurorEmail: "claire@example.org",
			TitleID: "TP-00495", ValidFrom: mustDate(t, "2026-01-01"), ValidTo: mustDate(t, "2028-12-31"), Trainer: true, Granted: true, Version: 1}
		saved, err = repo.SaveHabilitation(ctx, h)
		require.NoError(t, err)
		require.True(t, saved)
		saved, err = repo.SaveHabilitation(ctx, h)
		require.NoError(t, err)
		require.False(t, saved, "a redelivered event changes nothing")
		gotH, err := repo.Habilitation(ctx, "HAB-1")
		require.NoError(t, err)
		require.Equal(t, h, gotH)

		ok, err := repo.CharterAccepted(ctx, "juror-1")
		require.NoError(t, err)
		require.False(t, ok)
		c := registers.Charter{JurorSubject: "juror-1", Version: "1", AcceptedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		saved, err = repo.SaveCharter(ctx, c)
		require.NoError(t, err)
		require.True(t, saved)
		saved, err = repo.SaveCharter(ctx, c)
		require.NoError(t, err)
		require.False(t, saved)
		ok, err = repo.CharterAccepted(ctx, "juror-1")
		require.NoError(t, err)
		require.True(t, ok)
	})
}

func TestTitleRepositoryKeepsTheValidity(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, st store) {
		ctx := context.Background()
		tv := tsgeri()
		tv.Version = "2030"
		tv.Validity = title.Validity{From: mustDate(t, "2030-01-01"), To: mustDate(t, "2034-12-31"), ProlongationEnd: mustDate(t, "2035-06-30")}
		_, err := sqlstore.NewTitleRepository(st.db, time.Now).Save(ctx, tv)
		require.NoError(t, err)
		got, err := sqlstore.NewTitleRepository(st.db, time.Now).Get(ctx, "TP-00495", "2030")
		require.NoError(t, err)
		require.Equal(t, tv, got)
	})
}
