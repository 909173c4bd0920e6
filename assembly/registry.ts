// Handle tables for every socket and pipe of this core.
import { HandleTable } from "./handles";
import { Pipe } from "./pipe";
import { Socket } from "./socket";

export const pipes = new HandleTable<Pipe>();
export const sockets = new HandleTable<Socket>();
