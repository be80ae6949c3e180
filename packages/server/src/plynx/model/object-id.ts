// PLynx documents are keyed by MongoDB ObjectIds: 24 hexadecimal digits, made by the server.
import { ObjectId } from 'bson';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** A fresh ObjectId as its lower-case hex string. */
export const newObjectId = (): string => new ObjectId().toHexString();

export const isObjectId = (value: unknown): value is string => typeof value === 'string' && OBJECT_ID.test(value);
