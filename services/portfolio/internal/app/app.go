// Package app is the application layer of the portfolio service: the use
// cases (package command for changes, package query for reads), each
// checking the caller's rights (package authz) before touching the domain.
package app

import (
	"time"

	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/query"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// Application groups the use cases the ports call.
type Application struct {
	Commands Commands
	Queries  Queries
}

// Commands change dossiers and the projections.
type Commands struct {
	CreateDossier  command.CreateDossierHandler
	UpdateDossier  command.UpdateDossierHandler
	UploadDocument command.UploadDocumentHandler
	DeleteDocument command.DeleteDocumentHandler
	SubmitDossier  command.SubmitDossierHandler

	RecordCandidate command.RecordCandidateHandler
	RecordTitle     command.RecordTitleHandler
	RecordSession   command.RecordSessionHandler
	RecordJuror     command.RecordJurorHandler
	RecordCandidacy command.RecordCandidacyHandler
	RecordRecusals  command.RecordRecusalsHandler
	RecordSchedule  command.RecordScheduleHandler
}

// Queries read dossiers, snapshots and documents.
type Queries struct {
	DossierByID      query.DossierByIDHandler
	Cover            query.CoverHandler
	ListDossiers     query.ListDossiersHandler
	SnapshotByID     query.SnapshotByIDHandler
	ListSnapshots    query.ListSnapshotsHandler
	DownloadDocument query.DownloadDocumentHandler
}

// Deps are what the use cases work on.
type Deps struct {
	Dossiers    dossier.Repository
	Contents    dossier.Contents
	Candidates  refdata.Candidates
	Titles      refdata.Titles
	Sessions    refdata.Sessions
	Candidacies refdata.Candidacies
	Schedules   refdata.Schedules
	Limits      command.UploadLimits
	Now         func() time.Time
}

// New wires the use cases.
func New(d Deps) Application {
	access := authz.Access{Candidates: d.Candidates, Sessions: d.Sessions, Candidacies: d.Candidacies}
	return Application{
		Commands: Commands{
			CreateDossier:  command.NewCreateDossierHandler(d.Dossiers, d.Candidates, d.Titles, d.Now),
			UpdateDossier:  command.NewUpdateDossierHandler(d.Dossiers, access, d.Titles, d.Now),
			UploadDocument: command.NewUploadDocumentHandler(d.Dossiers, access, d.Contents, d.Limits, d.Now),
			DeleteDocument: command.NewDeleteDocumentHandler(d.Dossiers, access, d.Now),
			SubmitDossier:  command.NewSubmitDossierHandler(d.Dossiers, access, d.Candidates, d.Titles, d.Sessions, d.Candidacies, d.Schedules, d.Now),
		},
		Queries: Queries{
			DossierByID:      query.NewDossierByIDHandler(d.Dossiers, access),
			Cover:            query.NewCoverHandler(d.Candidates, d.Titles),
			ListDossiers:     query.NewListDossiersHandler(d.Dossiers, d.Candidates),
			SnapshotByID:     query.NewSnapshotByIDHandler(d.Dossiers, access),
			ListSnapshots:    query.NewListSnapshotsHandler(d.Dossiers, access, d.Candidates),
			DownloadDocument: query.NewDownloadDocumentHandler(d.Dossiers, access, d.Contents),
		},
	}
}
