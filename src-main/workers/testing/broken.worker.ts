/** A worker that cannot start (its module throws while loading), for the pool's tests. */
throw new Error('this reader is broken');
