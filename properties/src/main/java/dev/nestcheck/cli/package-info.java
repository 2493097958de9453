/**
 * The {@code nestcheck} command line ({@link dev.nestcheck.cli.Main}): {@code check},
 * {@code replay}, {@code explore}, {@code matrix}, {@code impls}, {@code rules}. Exit codes
 * ({@link dev.nestcheck.cli.ExitCode}): 0 conformant, 1 counterexample, 2 usage or input error
 * (one line on stderr), 3 the implementation crashed or hung.
 */
package dev.nestcheck.cli;
