using OrleansStt.Cli;

return await SttCommand.RunAsync(args);
