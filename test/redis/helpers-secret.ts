/** The secret every coordinator of the Redis tests shares (a separate file: the lock-holder child loads no Jest globals). */
export const SECRET = 'a-test-secret-of-at-least-32-characters!!';
