// Package app is the application layer of the assessment service: the use
// cases (package command for changes, package query for reads), each
// checking the caller's rights (package authz) before touching the domain.
package app

import (
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/app/query"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// Application groups the use cases the ports call.
type Application struct {
	Commands Commands
	Queries  Queries
}

// Commands change sessions and projections.
type Commands struct {
	CreateSession       command.CreateSessionHandler
	OpenSession         command.OpenSessionHandler
	AddJuror            command.AddJurorHandler
	RemoveJuror         command.RemoveJurorHandler
	CreateCandidacy     command.CreateCandidacyHandler
	UpdateEvaluation    command.UpdateEvaluationHandler
	DeliberateCandidacy command.DeliberateCandidacyHandler
	SignMinutes         command.SignMinutesHandler

	// Fed by other contexts' events.
	AttachDossier    command.AttachDossierHandler
	ProjectTitle     command.ProjectTitleHandler
	ProjectCandidate command.ProjectCandidateHandler
	ProjectRegister  command.ProjectRegisterHandler
}

// Queries read sessions.
type Queries struct {
	SessionByID     query.SessionByIDHandler
	ListSessions    query.ListSessionsHandler
	ListJurors      query.ListJurorsHandler
	CandidacyByID   query.CandidacyByIDHandler
	ListCandidacies query.ListCandidaciesHandler
	EvaluationOf    query.EvaluationOfHandler
	SessionProgress query.SessionProgressHandler
	MinutesOf       query.MinutesOfHandler
}

// Deps are what the use cases need.
type Deps struct {
	Sessions   session.Repository
	Titles     command.TitleCatalogue
	Candidates command.CandidateDirectory
	Registers  command.Registers
	Hasher     minutes.Hasher
	Now        func() time.Time
}

// New wires the use cases.
func New(d Deps) Application {
	return Application{
		Commands: Commands{
			CreateSession:       command.NewCreateSessionHandler(d.Sessions, d.Titles, d.Registers, d.Now),
			OpenSession:         command.NewOpenSessionHandler(d.Sessions, d.Registers, d.Now),
			AddJuror:            command.NewAddJurorHandler(d.Sessions, d.Registers, d.Now),
			RemoveJuror:         command.NewRemoveJurorHandler(d.Sessions, d.Now),
			CreateCandidacy:     command.NewCreateCandidacyHandler(d.Sessions, d.Titles, d.Candidates, d.Now),
			UpdateEvaluation:    command.NewUpdateEvaluationHandler(d.Sessions, d.Titles, d.Now),
			DeliberateCandidacy: command.NewDeliberateCandidacyHandler(d.Sessions, d.Titles, d.Now),
			SignMinutes:         command.NewSignMinutesHandler(d.Sessions, d.Hasher, d.Now),
			AttachDossier:       command.NewAttachDossierHandler(d.Now),
			ProjectTitle:        command.NewProjectTitleHandler(),
			ProjectCandidate:    command.NewProjectCandidateHandler(d.Now),
			ProjectRegister:     command.NewProjectRegisterHandler(),
		},
		Queries: Queries{
			SessionByID:     query.NewSessionByIDHandler(d.Sessions),
			ListSessions:    query.NewListSessionsHandler(d.Sessions),
			ListJurors:      query.NewListJurorsHandler(d.Sessions),
			CandidacyByID:   query.NewCandidacyByIDHandler(d.Sessions),
			ListCandidacies: query.NewListCandidaciesHandler(d.Sessions),
			EvaluationOf:    query.NewEvaluationOfHandler(d.Sessions, d.Titles),
			SessionProgress: query.NewSessionProgressHandler(d.Sessions, d.Titles),
			MinutesOf:       query.NewMinutesOfHandler(d.Sessions, d.Hasher),
		},
	}
}
