# Lares: build the hypervisor, its test guests and tools; run the tests.
#
#   make            build build/lares.elf (boot it with qemu -kernel, or gdb it)
#   make run        boot Lares under QEMU with Debian's Linux as a domU, at its shell
#   make test       every test: host unit tests, then QEMU integration tests
#   make iso        build/lares.iso, a GRUB (Multiboot 2) bootable image
#                   (ISO_CMDLINE="...", ISO_MODULES="paths"; scripts/make-iso.sh for more)
#   make tools      host tools: build/tools/vmlinux-extract
#   make images     Debian's kernel (vmlinux, System.map) + busybox initramfs in cache/linux/
#
# Sources are found by directory: adding a .c file to hv/ needs no edit here.

BUILD   ?= build
CC      := gcc
LD      := ld
OBJCOPY := objcopy
NM      := nm
PYTHON  := /usr/bin/python3
Q       := $(if $(V),,@)

# ---------------------------------------------------------------- hypervisor
HV_CFLAGS := -std=gnu11 -O2 -g -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
             -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie \
             -fno-common -fno-strict-aliasing -fno-asynchronous-unwind-tables \
             -fno-omit-frame-pointer -mno-red-zone -mgeneral-regs-only -mcmodel=kernel \
             -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
             -Wno-unused-parameter -Wvla -Wshadow=local \
             -Ihv/include -Ihv/arch/x86/include -Iinclude \
             -MMD -MP
HV_ASFLAGS := $(filter-out -std=gnu11,$(HV_CFLAGS)) -D__ASSEMBLY__
HV_LDFLAGS := -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
              --no-warn-rwx-segments

HV_C_SRCS := $(shell find hv -name '*.c' | sort)
HV_S_SRCS := $(shell find hv -name '*.S' | sort)
HV_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(HV_C_SRCS)) $(patsubst %.S,$(BUILD)/%.o,$(HV_S_SRCS))

.PHONY: all
all: $(BUILD)/lares.elf guests check-headers

$(BUILD)/hv/%.o: hv/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.o: hv/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/hv.lds: hv/arch/x86/hv.lds hv/arch/x86/include/asm/config.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLY__ -Ihv/arch/x86/include $< -o $@

# Two passes: link, extract the function symbols, link again with them
# (hv/tools/mksymtab.py); text addresses do not move because the table
# lives after .text.
MKSYMTAB := $(PYTHON) hv/tools/mksymtab.py

$(BUILD)/symtab-empty.o: hv/tools/mksymtab.py
	@mkdir -p $(dir $@)
	$(Q)$(MKSYMTAB) --empty $(BUILD)/symtab-empty.S
	$(Q)$(CC) $(HV_ASFLAGS) -c $(BUILD)/symtab-empty.S -o $@

$(BUILD)/lares.elf: $(HV_OBJS) $(BUILD)/hv.lds $(BUILD)/symtab-empty.o hv/tools/mksymtab.py
	@echo "  LD      $@"
	$(Q)$(LD) $(HV_LDFLAGS) -T $(BUILD)/hv.lds -o $(BUILD)/lares.pass1.elf $(HV_OBJS) \
		$(BUILD)/symtab-empty.o
	$(Q)$(MKSYMTAB) --nm $(NM) $(BUILD)/lares.pass1.elf $(BUILD)/symtab.S
	$(Q)$(CC) $(HV_ASFLAGS) -c $(BUILD)/symtab.S -o $(BUILD)/symtab.o
	$(Q)$(LD) $(HV_LDFLAGS) -T $(BUILD)/hv.lds -o $@.tmp $(HV_OBJS) $(BUILD)/symtab.o
	$(Q)$(MKSYMTAB) --nm $(NM) --check $(BUILD)/lares.pass1.elf $@.tmp
	$(Q)mv $@.tmp $@

# ---------------------------------------------------------------- test guests
# Tiny PVH kernels (tests/guests/README.md): tests/guests/<name>/main.c plus
# the framework in tests/guests/lib, linked at 1 MiB by their own script.
# The list of tests is tests/guests/guests.mk.
GUESTS :=
include tests/guests/guests.mk

GUEST_CFLAGS := $(filter-out -mcmodel=kernel -Ihv/arch/x86/include,$(HV_CFLAGS)) \
                -mcmodel=small -Itests/guests/lib/include
GUEST_ASFLAGS := $(filter-out -std=gnu11,$(GUEST_CFLAGS)) -D__ASSEMBLY__
GUEST_LDFLAGS := $(HV_LDFLAGS)
GUEST_LDS     := tests/guests/lib/guest.lds
# Pure hv/lib code shared with the guests: printf-style formatting, strings.
GUEST_LIB_SRCS := $(sort $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S)) \
                  hv/lib/format.c hv/lib/string.c
GUEST_LIB_OBJS := $(addprefix $(BUILD)/guests/obj/,$(addsuffix .o,$(basename $(GUEST_LIB_SRCS))))
GUEST_MAIN_OBJS := $(patsubst %,$(BUILD)/guests/obj/tests/guests/%/main.o,$(GUESTS))
GUEST_ELFS     := $(addprefix $(BUILD)/guests/,$(addsuffix .elf,$(GUESTS)))
.SECONDARY: $(GUEST_MAIN_OBJS) $(GUEST_LIB_OBJS)

.PHONY: guests
guests: $(GUEST_ELFS)

$(BUILD)/guests/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guests/obj/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $@"
	$(Q)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(BUILD)/guests/%.elf: $(BUILD)/guests/obj/tests/guests/%/main.o $(GUEST_LIB_OBJS) $(GUEST_LDS)
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -T $(GUEST_LDS) -o $@ $< $(GUEST_LIB_OBJS)

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_MAIN_OBJS:.o=.d)

# ---------------------------------------------------------------- public headers
# Every header in include/public/ must compile on its own (twice in a row),
# freestanding with the hypervisor's flags, hosted with -pedantic, and from
# assembly (constants only). One stamp per header.
PUBLIC_HEADERS := $(shell find include/public -name '*.h' | sort)
HDRCHK_STAMPS  := $(patsubst include/public/%.h,$(BUILD)/check-headers/%.ok,$(PUBLIC_HEADERS))
HDRCHK_FREESTANDING := $(filter-out -MMD -MP,$(HV_CFLAGS))
HDRCHK_HOSTED  := -std=c11 -Wall -Wextra -Werror -pedantic -Iinclude

.PHONY: check-headers
check-headers: $(HDRCHK_STAMPS)

$(BUILD)/check-headers/%.ok: include/public/%.h $(PUBLIC_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HDRCHK  $<"
	$(Q)printf '#include <public/%s.h>\n#include <public/%s.h>\ntypedef int hdrchk_not_empty;\n' $* $* | \
	    $(CC) $(HDRCHK_FREESTANDING) -x c -fsyntax-only -
	$(Q)printf '#include <public/%s.h>\n#include <public/%s.h>\ntypedef int hdrchk_not_empty;\n' $* $* | \
	    $(CC) $(HDRCHK_HOSTED) -x c -fsyntax-only -
	$(Q)printf '#include <public/%s.h>\n' $* | \
	    $(CC) -D__ASSEMBLY__ -Iinclude -x assembler-with-cpp -c - -o /dev/null
	@touch $@

# ---------------------------------------------------------------- unit tests
# Each tests/unit/<name>.mk adds <name> to UNIT_TESTS and lists <name>_SRCS
# (optionally <name>_CFLAGS, and <name>_LDLIBS for host libraries).
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
               -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
               -DLARES_HOST_TEST -Ihv/include -Iinclude -Itests/unit
UNIT_LDLIBS := -lcmocka
UNIT_TESTS  :=
include $(wildcard tests/unit/*.mk)

define unit_rule
$(BUILD)/unit/$(1): $$($(1)_SRCS) $$(wildcard tests/unit/*.h) $(PUBLIC_HEADERS)
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$@"
	$(Q)$(CC) $(UNIT_CFLAGS) $$($(1)_CFLAGS) $$($(1)_SRCS) -o $$@ $(UNIT_LDLIBS) $$($(1)_LDLIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

.PHONY: unit
unit: $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))
	$(Q)scripts/run-unit-tests.sh $(BUILD)/unit $(UNIT_TESTS)

# ---------------------------------------------------------------- host tools, guest images
include tools/tools.mk

# Debian's kernel, extracted, plus a busybox initramfs (cached under cache/).
.PHONY: images iso
images: $(VMLINUX_EXTRACT)
	$(Q)VMLINUX_EXTRACT=$(VMLINUX_EXTRACT) scripts/build-guest-images.sh

# GRUB ISO; ISO_CMDLINE and ISO_MODULES (plain paths) override the defaults.
ISO_CMDLINE ?= console=com1 loglvl=info
iso: $(BUILD)/lares.elf
	$(Q)LARES_ELF=$(BUILD)/lares.elf scripts/make-iso.sh $(BUILD)/lares.iso "$(ISO_CMDLINE)" $(ISO_MODULES)

# ---------------------------------------------------------------- top level
.PHONY: deps test integration run clean
deps:
	$(Q)scripts/deps.sh

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/run-all-tests.sh

integration: all
	$(Q)$(PYTHON) -m pytest tests/integration $(PYTEST_ARGS)

run: deps all images
	$(Q)scripts/run.sh

clean:
	rm -rf $(BUILD)

-include $(HV_OBJS:.o=.d)
