// A valid shared library without the plugin entry point.
extern "C" __attribute__((visibility("default"))) int agape_test_not_a_plugin() { return 42; }
