UNIT_TESTS += test_rtc
test_rtc_SRCS := tests/unit/test_rtc.c hv/lib/rtc_decode.c
