module github.com/titrepro/titrepro

go 1.26.7
