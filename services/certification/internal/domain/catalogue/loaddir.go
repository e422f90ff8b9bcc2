package catalogue

import (
	"io/fs"
	"path"

	"github.com/titrepro/titrepro/internal/apperr"
)

// LoadDir parses every *.yaml file at the top of fsys, in file name order.
// It is all-or-nothing: when any file is invalid, or two files hold the same
// (code, version), it returns no title and one ErrInvalidTitleVersion with
// the violations of every file. A folder without any *.yaml file is
// ErrNoReferentials, so that a wrong path cannot load an empty catalogue.
func LoadDir(fsys fs.FS) ([]TitleVersion, error) {
	files, err := LoadDirFiles(fsys)
	if err != nil {
		return nil, err
	}
	titles := make([]TitleVersion, 0, len(files))
	for _, f := range files {
		titles = append(titles, f.Title)
	}
	return titles, nil
}

// File is a title version together with the name of the file it was read
// from, so that a loader can name the file in its own errors (for example
// when the version is already published with other content).
type File struct {
	Name  string
	Title TitleVersion
}

// LoadDirFiles is LoadDir keeping the file name of every title version.
func LoadDirFiles(fsys fs.FS) ([]File, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, errUnreadable(".", err)
	}
	var (
		files []File
		vs    []violation
		found bool
		owner = map[string]string{} // code + "@" + version -> file
	)
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		found = true
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, errUnreadable(e.Name(), err)
		}
		t, pos, fileVs := parse(e.Name(), data)
		if len(fileVs) > 0 {
			vs = append(vs, fileVs...)
			continue
		}
		key := t.Code + "@" + t.Version
		if first, dup := owner[key]; dup {
			vs = append(vs, violation{
				file: e.Name(), line: pos.lineOf("version"), field: "version",
				msg: "title " + t.Code + " version " + t.Version + " is also defined in " + first,
			})
			continue
		}
		owner[key] = e.Name()
		files = append(files, File{Name: e.Name(), Title: t})
	}
	if !found {
		return nil, ErrNoReferentials
	}
	if len(vs) > 0 {
		return nil, invalidError(vs)
	}
	return files, nil
}

func errUnreadable(name string, err error) error {
	return apperr.New(apperr.KindInternal, "TITLE_REFERENTIALS_UNREADABLE", "cannot read "+name).WithCause(err)
}
