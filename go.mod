module github.com/hostp2pd/hostp2pd

go 1.26
