# articled: plain make, no generator.
#   make          build bin/articled, bin/viewtail and bin/articled-picture
#   make run      install missing packages, build, create db/site.db if
#                 absent, serve http://127.0.0.1:8080 until Ctrl-C
#   make test     the same set-up, then every test
#   make bench    measure (docs/benchmarks.md)
#   make install  PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/articled
STATEDIR  ?= /var/lib/articled
MANDIR    ?= $(PREFIX)/share/man
UNITDIR   ?= $(PREFIX)/lib/systemd/system
DESTDIR   ?=

CC        ?= cc
CFLAGS    ?= -O2 -g
WARNINGS   = -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
             -Wwrite-strings -Wshadow
CPPFLAGS  += -D_DEFAULT_SOURCE -D_GNU_SOURCE
ALL_CFLAGS = -std=c11 $(WARNINGS) $(CPPFLAGS) $(CFLAGS)
LIBS       = -lfcgi -lsqlite3 -lcmark -lseccomp

# Where the in-tree build looks by default; 'make install' builds again
# with the installed paths.
DEFAULT_DB        ?= $(CURDIR)/db/site.db
DEFAULT_TEMPLATES ?= $(CURDIR)/templates
PATHS = -DDEFAULT_DB='"$(DEFAULT_DB)"' -DDEFAULT_TEMPLATES='"$(DEFAULT_TEMPLATES)"' \
        $(if $(VIEWTAIL_DB),-DVIEWTAIL_DB='"$(VIEWTAIL_DB)"')

# The sources, by folder (cgi/README.md): articled is everything but
# viewtail/ and picture/; the unit tests and fuzzers link all of it but
# check/ (articled check) and serve/ (the processes and transports).
CORE_SRCS   = $(foreach d,lib http pages store render maker,$(wildcard cgi/$(d)/*.c))
SERVER_SRCS = $(CORE_SRCS) $(foreach d,check serve,$(wildcard cgi/$(d)/*.c))
# db/migrations/NNNN-*.sql, built into articled as a C table (upgrades).
MIGRATIONS = $(sort $(wildcard db/migrations/*.sql))
VIEWTAIL_SRCS = $(wildcard cgi/viewtail/*.c) $(wildcard cgi/lib/*.c)
# The picture maker: the only program linked with libvips (issue 9).
# lib/sigsys.c: the SIGSYS report it shares with articled's sandbox.
PICTURE_SRCS = $(wildcard cgi/picture/*.c) cgi/lib/sigsys.c
VIPS_CFLAGS = $(shell pkg-config --cflags vips)
VIPS_LIBS = $(shell pkg-config --libs vips)
HEADERS = $(wildcard cgi/*/*.h)

BUILD = build

.PHONY: all run test bench db deps install clean unit fuzz

all: bin/articled bin/viewtail bin/articled-picture

$(BUILD)/%.o: cgi/%.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) $(PATHS) -Icgi -c $< -o $@

$(BUILD)/migrations.c: $(MIGRATIONS) tools/embed-sql
	@mkdir -p $(BUILD)
	@tools/embed-sql $@ $(MIGRATIONS)

$(BUILD)/migrations.o: $(BUILD)/migrations.c cgi/store/store_migrate.h Makefile
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -Icgi -c $< -o $@

bin/articled: $(SERVER_SRCS:cgi/%.c=$(BUILD)/%.o) $(BUILD)/migrations.o
	@mkdir -p bin
	@echo "LD $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

bin/viewtail: $(VIEWTAIL_SRCS:cgi/%.c=$(BUILD)/%.o)
	@mkdir -p bin
	@echo "LD $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ -lsqlite3

# libvips's headers only for the one file that includes them.
$(BUILD)/picture/picture_vips.o: cgi/picture/picture_vips.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) $(VIPS_CFLAGS) -Icgi -c $< -o $@

bin/articled-picture: $(PICTURE_SRCS:cgi/%.c=$(BUILD)/%.o)
	@mkdir -p bin
	@echo "LD $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(VIPS_LIBS) -lseccomp

# The live database: made once from schema.sql and the seed content, in a
# temporary file moved into place, so a failure leaves nothing behind and
# an existing database is never touched.
db: db/site.db
db/site.db:
	@test ! -e $@ || { echo "db/site.db exists; not touching it"; exit 0; }
	rm -f $@.new $@.new-wal $@.new-shm
	sqlite3 -bail $@.new < schema.sql
	sqlite3 -bail $@.new < db/seed.sql
	sqlite3 $@.new 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	mv -n $@.new $@
	@rm -f $@.new-wal $@.new-shm
	@echo "created $@"

deps:
	@tools/deps run

run:
	@tools/deps run
	@$(MAKE) --no-print-directory all db
	@tools/serve

# Sanitizer build of the server, for the tests (address, undefined).
# It and the callgrind build run without the seccomp filter
# (ARTICLED_NO_SECCOMP): the sanitizers and valgrind need calls a worker
# does not (docs/security.md).  Only these two builds.
$(BUILD)/asan/articled: $(SERVER_SRCS) $(BUILD)/migrations.c $(HEADERS) Makefile
	@mkdir -p $(BUILD)/asan
	@echo "CC $@ (address, undefined)"
	@$(CC) $(ALL_CFLAGS) -O1 -fsanitize=address,undefined \
	    -fno-omit-frame-pointer -fno-sanitize-recover=undefined $(PATHS) \
	    -DARTICLED_NO_SECCOMP -DHEARTBEAT_STUCK_MS=30000 -Icgi -o $@ $(SERVER_SRCS) \
	    $(BUILD)/migrations.c $(LIBS)

# The sanitizer build finds the picture maker beside itself, as an
# installed articled does: the release one, linked there (libvips is not
# built with sanitizers, and ASan's shadow memory cannot live under the
# maker's RLIMIT_AS).
$(BUILD)/asan/articled-picture: bin/articled-picture
	@mkdir -p $(BUILD)/asan
	@ln -sf $(CURDIR)/bin/articled-picture $@
$(BUILD)/asan/articled: | $(BUILD)/asan/articled-picture

# The release build without the filter, for valgrind (bench/callgrind.py).
$(BUILD)/callgrind/articled: $(SERVER_SRCS) $(BUILD)/migrations.c $(HEADERS) Makefile
	@mkdir -p $(BUILD)/callgrind
	@echo "CC $@ (no seccomp, for valgrind)"
	@$(CC) $(ALL_CFLAGS) $(PATHS) -DARTICLED_NO_SECCOMP -Icgi -o $@ \
	    $(SERVER_SRCS) $(BUILD)/migrations.c $(LIBS)

UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
UNIT_LIB = $(CORE_SRCS) $(BUILD)/migrations.c \
           cgi/picture/picture_plan.c cgi/picture/picture_webp.c

$(BUILD)/unit/%: tests/unit/%.c $(UNIT_LIB) $(HEADERS) Makefile
	@mkdir -p $(BUILD)/unit
	@echo "CC $@"
	@$(CC) $(ALL_CFLAGS) -Icgi -o $@ $< $(UNIT_LIB) -lcmark -lsqlite3

unit: $(UNIT_TESTS)

test:
	@tools/deps test
	@$(MAKE) --no-print-directory all db unit $(BUILD)/asan/articled $(FUZZERS)
	@tools/test

bench:
	@tools/deps bench
	@$(MAKE) --no-print-directory all $(BUILD)/callgrind/articled
	@bench/run

# Built again from scratch (a PREFIX may differ from the last install's)
# with the installed paths as defaults, so that 'articled' and 'viewtail'
# with no options find the installed database and templates.
install:
	rm -rf $(BUILD)/install
	$(MAKE) --no-print-directory BUILD=$(BUILD)/install \
	    DEFAULT_DB=$(STATEDIR)/site.db DEFAULT_TEMPLATES=$(DATADIR)/templates \
	    VIEWTAIL_DB=$(STATEDIR)/site.db \
	    $(BUILD)/install/articled-bin $(BUILD)/install/viewtail-bin \
	    $(BUILD)/install/articled-picture-bin
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates/static \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR)
	install -m 755 $(BUILD)/install/articled-bin $(DESTDIR)$(BINDIR)/articled
	install -m 755 $(BUILD)/install/viewtail-bin $(DESTDIR)$(BINDIR)/viewtail
	install -m 755 $(BUILD)/install/articled-picture-bin \
	    $(DESTDIR)$(BINDIR)/articled-picture
	install -m 644 templates/*.html $(DESTDIR)$(DATADIR)/templates/
	install -m 644 templates/static/* $(DESTDIR)$(DATADIR)/templates/static/
	install -m 644 schema.sql db/seed.sql nginx.conf.example $(DESTDIR)$(DATADIR)/
	install -m 644 docs/man/articled.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 docs/man/articled-check.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 docs/man/viewtail.1 $(DESTDIR)$(MANDIR)/man1/
	sed -e 's|/usr/local/bin/|$(BINDIR)/|g' -e 's|/var/lib/articled|$(STATEDIR)|g' \
	    docs/articled.service > $(DESTDIR)$(UNITDIR)/articled.service
	chmod 644 $(DESTDIR)$(UNITDIR)/articled.service

# (Inside the sub-make above, BUILD is already build/install.)
$(BUILD)/articled-bin: $(SERVER_SRCS:cgi/%.c=$(BUILD)/%.o) \
    $(BUILD)/migrations.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/viewtail-bin: $(VIEWTAIL_SRCS:cgi/%.c=$(BUILD)/%.o)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lsqlite3
$(BUILD)/articled-picture-bin: $(PICTURE_SRCS:cgi/%.c=$(BUILD)/%.o)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(VIPS_LIBS) -lseccomp

clean:
	rm -rf bin $(BUILD)

# make print-SERVER_SRCS: a variable's value (tools/code-shape reads the
# programs' sources through it).
print-%:
	@echo $($*)

# libFuzzer harnesses (clang): tools/fuzz runs each for a while.
FUZZ_LIB = $(CORE_SRCS) $(BUILD)/migrations.c

FUZZERS = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(HEADERS) Makefile
	@mkdir -p $(BUILD)/fuzz
	@echo "FUZZ $@"
	@clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    $(CPPFLAGS) -Icgi -o $@ $< $(FUZZ_LIB) -lcmark -lsqlite3
fuzz: $(FUZZERS)
	@tools/fuzz $${FUZZ_SECONDS:-60}
