package app_test

import (
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/paging"
	"github.com/titrepro/titrepro/services/candidate/internal/app/command"
	"github.com/titrepro/titrepro/services/candidate/internal/app/query"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

func TestCreateCandidate_Idempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const requestID = "0197a5d0-0000-7000-8000-0000000000c1"
	cmd := command.CreateCandidate{Details: details(""), RequestID: requestID}
	first, err := f.app.Commands.CreateCandidate.Handle(as(centre1), cmd)
	requireNoError(t, err)

	// White space differences are normalized away: still the same request.
	retry := cmd
	retry.Details.BirthName = "  Martin  "
	again, err := f.app.Commands.CreateCandidate.Handle(as(centre1), retry)
	requireNoError(t, err)
	if again.ID() != first.ID() {
		t.Errorf("retry id = %s; want the first record %s", again.ID(), first.ID())
	}

	other := cmd
	other.Details.BirthName = "Dupont"
	_, err = f.app.Commands.CreateCandidate.Handle(as(centre1), other)
	wantKind(t, err, apperr.KindAlreadyExists)
	requireIs(t, err, candidate.ErrRequestIDReused)

	// A candidate retrying their self-registration gets their record back
	// rather than CANDIDATE_ALREADY_REGISTERED.
	self := command.CreateCandidate{Details: details(""), RequestID: requestID}
	mine, err := f.app.Commands.CreateCandidate.Handle(as(cand3), self)
	requireNoError(t, err)
	replayed, err := f.app.Commands.CreateCandidate.Handle(as(cand3), self)
	requireNoError(t, err)
	if replayed.ID() != mine.ID() {
		t.Errorf("self-registration retry id = %s; want %s", replayed.ID(), mine.ID())
	}
}

func TestCreateCandidate_Invalid(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := details("")
	d.Email = "not an email"
	_, err := f.app.Commands.CreateCandidate.Handle(as(centre1), command.CreateCandidate{Details: d})
	wantKind(t, err, apperr.KindInvalidArgument)
}

func TestListCandidates_Paging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for range 4 {
		mustCreate(t, f.app, centre1, details(""))
	}
	var got []string
	token := ""
	for pages := 1; ; pages++ {
		page, err := f.app.Queries.ListCandidates.Handle(as(centre1), query.ListCandidates{PageSize: 2, PageToken: token})
		requireNoError(t, err)
		for _, c := range page.Candidates {
			got = append(got, c.ID())
		}
		if page.NextPageToken == "" {
			if pages != 3 {
				t.Errorf("pages = %d; want 3 (5 candidates, 2 per page)", pages)
			}
			break
		}
		token = page.NextPageToken

		// A token is bound to the caller's scope.
		_, err = f.app.Queries.ListCandidates.Handle(as(centre2), query.ListCandidates{PageSize: 2, PageToken: token})
		requireIs(t, err, paging.ErrInvalidPageToken)
	}
	if len(got) != 5 {
		t.Errorf("listed %d candidates; want 5", len(got))
	}

	_, err := f.app.Queries.ListCandidates.Handle(as(centre1), query.ListCandidates{PageSize: -1})
	wantKind(t, err, apperr.KindInvalidArgument)
	_, err = f.app.Queries.ListCandidates.Handle(as(centre1), query.ListCandidates{PageToken: "garbage"})
	requireIs(t, err, paging.ErrInvalidPageToken)
}
