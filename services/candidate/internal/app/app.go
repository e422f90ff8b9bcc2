// Package app is the application layer of the candidate service: the use
// cases (package command for changes, package query for reads), each
// checking the caller's rights (package authz) before touching the domain.
package app

import (
	"time"

	"github.com/titrepro/titrepro/services/candidate/internal/app/command"
	"github.com/titrepro/titrepro/services/candidate/internal/app/query"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// Application groups the use cases the ports call.
type Application struct {
	Commands Commands
	Queries  Queries
}

// Commands change candidates.
type Commands struct {
	CreateCandidate   command.CreateCandidateHandler
	UpdateCandidate   command.UpdateCandidateHandler
	PronounceSanction command.PronounceSanctionHandler
}

// Queries read candidates.
type Queries struct {
	CandidateByID  query.CandidateByIDHandler
	ListCandidates query.ListCandidatesHandler
	Sanctions      query.SanctionsHandler
}

// Sanctions are what the sanction use cases need (R58).
type Sanctions struct {
	Repo         sanction.Repository
	MaxBanMonths int // the longest ban
}

// New wires the use cases on repo and the sanctions; now is the clock
// (time.Now in production).
func New(repo candidate.Repository, sanctions Sanctions, now func() time.Time) Application {
	return Application{
		Commands: Commands{
			CreateCandidate:   command.NewCreateCandidateHandler(repo, now),
			UpdateCandidate:   command.NewUpdateCandidateHandler(repo, now),
			PronounceSanction: command.NewPronounceSanctionHandler(repo, sanctions.Repo, sanctions.MaxBanMonths, now),
		},
		Queries: Queries{
			CandidateByID:  query.NewCandidateByIDHandler(repo),
			ListCandidates: query.NewListCandidatesHandler(repo),
			Sanctions:      query.NewSanctionsHandler(repo, sanctions.Repo),
		},
	}
}
