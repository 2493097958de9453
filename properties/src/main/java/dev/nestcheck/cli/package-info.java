/**
 * The {@code nestcheck} command line ({@link dev.nestcheck.cli.Main}): {@code check},
 * {@code replay}, {@code explore}, {@code matrix}, {@code impls}, {@code rules}, {@code help}. The
 * commands that run an implementation take {@code --impl NAME} and {@code --classpath CP}
 * ({@link dev.nestcheck.cli.ImplementationOptions}); every replay command they print carries what it
 * needs to work pasted as is. Exit codes
 * ({@link dev.nestcheck.cli.ExitCode}): 0 conformant, 1 counterexample, 2 usage or input error
 * (one line on stderr), 3 the implementation crashed or hung.
 */
package dev.nestcheck.cli;
