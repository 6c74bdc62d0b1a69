# Host tools (included by the top Makefile): build/tools/<name>.
TOOLS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
                -Wmissing-prototypes -Wstrict-prototypes -Wvla -MMD -MP -Ihv/include
VMLINUX_EXTRACT := $(BUILD)/tools/vmlinux-extract

# hv/lib/bzimage.c is the hypervisor's own bzImage parser, shared.
VMLINUX_EXTRACT_SRCS := $(wildcard tools/vmlinux-extract/*.c)
VMLINUX_EXTRACT_OBJS := $(patsubst tools/%.c,$(BUILD)/tools/obj/%.o,$(VMLINUX_EXTRACT_SRCS)) \
                        $(BUILD)/tools/obj/hv/lib/bzimage.o

$(BUILD)/tools/obj/%.o: tools/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(TOOLS_CFLAGS) -c $< -o $@

$(BUILD)/tools/obj/hv/lib/%.o: hv/lib/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(TOOLS_CFLAGS) -c $< -o $@

$(VMLINUX_EXTRACT): $(VMLINUX_EXTRACT_OBJS)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^ -llzma -llz4 -lzstd -lz

.PHONY: tools
tools: $(VMLINUX_EXTRACT)

-include $(VMLINUX_EXTRACT_OBJS:.o=.d)
