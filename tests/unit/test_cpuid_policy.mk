UNIT_TESTS += test_cpuid_policy
test_cpuid_policy_SRCS := tests/unit/test_cpuid_policy.c hv/lib/cpuid_policy.c hv/lib/cpuid_table.c
