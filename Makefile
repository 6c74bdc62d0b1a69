# Lares: build the hypervisor, its test guests and tools; run the tests.
#
#   make            build build/lares.elf (boot it with qemu -kernel, or gdb it)
#   make run        boot Lares under QEMU with example guests
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
all: $(BUILD)/lares.elf

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

# ---------------------------------------------------------------- unit tests
# Each tests/unit/<name>.mk adds <name> to UNIT_TESTS and lists <name>_SRCS.
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
               -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
               -DLARES_HOST_TEST -Ihv/include -Iinclude -Itests/unit
UNIT_LDLIBS := -lcmocka
UNIT_TESTS  :=
include $(wildcard tests/unit/*.mk)

define unit_rule
$(BUILD)/unit/$(1): $$($(1)_SRCS) $$(wildcard tests/unit/*.h)
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$@"
	$(Q)$(CC) $(UNIT_CFLAGS) $$($(1)_CFLAGS) $$($(1)_SRCS) -o $$@ $(UNIT_LDLIBS)
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

run: deps all
	$(Q)scripts/run.sh

clean:
	rm -rf $(BUILD)

-include $(HV_OBJS:.o=.d)
