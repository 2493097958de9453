package dev.nestcheck.spec;

/** The Linux errnos the rules use, with their numbers (asm-generic/errno-base.h, errno.h). */
public enum Errno {
    ENOENT(2), EIO(5), EBADF(9), EBUSY(16), EEXIST(17), EINVAL(22), ENOSPC(28), EOPNOTSUPP(95);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
