function g = sigmoid(z)
% The course's sigmoid.m.
g = 1.0 ./ (1.0 + exp(-z));
end
